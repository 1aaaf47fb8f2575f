using Modeling.Features;

namespace FeatureBuilder.Batches.Inputs;

/// <summary>Receives the rows an input reader reads, one call per input row, in input order.</summary>
public interface IBatchRowSink
{
    /// <summary>The input has this many rows (a reader that knows it up front, as Parquet does, says so once).</summary>
    void ReportRowCount(long rows);

    /// <summary>The next row, as a raw record to validate and featurize.</summary>
    ValueTask AcceptAsync<TRecord>(TRecord record, CancellationToken cancellationToken) where TRecord : IRawRecord;

    /// <summary>The next row could not be read as a record at all (e.g. a line that is not JSON).</summary>
    ValueTask RejectAsync(FieldError reason, CancellationToken cancellationToken);
}

/// <summary>Reads a batch input stream row by row into a sink, never holding more than a block of rows.</summary>
public interface IBatchInputReader
{
    /// <summary>Reads every row of <paramref name="input"/> into <paramref name="sink"/>.</summary>
    /// <exception cref="InvalidDataException">When the input is not in the reader's format; the message says where.</exception>
    Task ReadAsync(Stream input, IBatchRowSink sink, CancellationToken cancellationToken);
}

/// <summary>The reader of each <see cref="BatchFormat"/>.</summary>
public static class BatchInputReaders
{
    /// <summary>The reader of <paramref name="format"/>.</summary>
    public static IBatchInputReader For(BatchFormat format) => format switch
    {
        BatchFormat.Csv => new CsvInputReader(),
        BatchFormat.JsonLines => new JsonLinesInputReader(),
        _ => new ParquetInputReader(),
    };
}
