namespace Modeling.Records;

/// <summary>Reads a file of records (a batch's input, a reference dataset) row by row into a sink, never holding more than a block of rows.</summary>
public interface IRecordReader
{
    /// <summary>Reads every row of <paramref name="input"/> into <paramref name="sink"/>.</summary>
    /// <exception cref="InvalidDataException">When the input is not in the reader's format, or a record is larger than its limits (<see cref="RecordLimits"/>); the message says where.</exception>
    Task ReadAsync(Stream input, IRecordSink sink, CancellationToken cancellationToken);
}

/// <summary>The reader of each <see cref="RecordFormat"/>.</summary>
public static class RecordReaders
{
    /// <summary>The reader of <paramref name="format"/>, within <paramref name="limits"/> (<see cref="RecordLimits.Default"/> when null).</summary>
    public static IRecordReader For(RecordFormat format, RecordLimits? limits = null) => format switch
    {
        RecordFormat.Csv => new CsvRecordReader(limits),
        RecordFormat.JsonLines => new JsonLinesRecordReader(limits),
        _ => new ParquetRecordReader(limits),
    };
}
