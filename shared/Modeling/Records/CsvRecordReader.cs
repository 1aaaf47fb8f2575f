using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Modeling.Features;

namespace Modeling.Records;

/// <summary>
/// Reads CSV (RFC 4180, first row = field names, matched to the card's fields ignoring case) one record at a
/// time. Every value is text; the featurizer parses numbers and timestamps by the field's kind. An empty
/// value is a missing one; a cell neutralized by <see cref="CsvText"/> (<c>'=…</c>) reads as it was written. A record (or field) longer than <see cref="RecordLimits.MaxRecordBytes"/> characters refuses
/// the whole input before the parser holds it: past a record with no end, where the next one starts cannot be told.
/// </summary>
public sealed class CsvRecordReader(RecordLimits? limits = null) : IRecordReader
{
    private const int BufferSize = 64 * 1024;
    private readonly RecordLimits _limits = limits ?? RecordLimits.Default;

    /// <inheritdoc />
    public async Task ReadAsync(Stream input, IRecordSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sink);
        var max = _limits.MaxRecordBytes;
        CsvParser? parser = null;
        using var text = new BoundedRecordText(new StreamReader(input, leaveOpen: true), max, BufferSize, length => TooLong(parser?.Row ?? 1, length));
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture) { DetectDelimiter = false, BadDataFound = null, BufferSize = BufferSize, MaxFieldSize = max };
        parser = new CsvParser(text, configuration);
        using var _ = parser;
        try
        {
            if (!await parser.ReadAsync())
                return;
            text.RecordEnded(parser.CharCount);
            var header = parser.Record ?? [];
            var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var column = 0; column < header.Length; column++)
                columns.TryAdd(header[column].Trim(), column);

            while (await parser.ReadAsync())
            {
                text.RecordEnded(parser.CharCount);
                cancellationToken.ThrowIfCancellationRequested();
                await sink.AcceptAsync(new CsvRecord(columns, parser.Record ?? []), cancellationToken);
            }
        }
        catch (MaxFieldSizeException)
        {
            throw TooLong(parser.Row, max + 1L);
        }
        catch (CsvHelperException exception) when (exception.InnerException is InvalidDataException tooLong)
        {
            throw tooLong;
        }
        catch (CsvHelperException exception)
        {
            throw new InvalidDataException($"The CSV input cannot be read at line {parser.Row}: {exception.Message.Split('\n')[0]}", exception);
        }
    }

    private InvalidDataException TooLong(int row, long length) => new(string.Create(CultureInfo.InvariantCulture,
        $"The CSV input cannot be read at line {row}: a record or field is longer than {_limits.MaxRecordBytes} characters{_limits.Named(nameof(RecordLimits.MaxRecordBytes))} (at least {length} read); nothing after it was read."));

    // A cell the platform neutralized when it wrote the file (CsvText) reads as what was written.
    private readonly struct CsvRecord(Dictionary<string, int> columns, string[] values) : IRawRecord
    {
        public RawValue ValueOf(string field) =>
            columns.TryGetValue(field, out var column) && column < values.Length ? RawValue.Of(CsvText.Restored(values[column])) : RawValue.Missing;
    }
}
