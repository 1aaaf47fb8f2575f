using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Modeling.Features;

namespace Modeling.Records;

/// <summary>
/// Reads CSV (RFC 4180, first row = field names, matched to the card's fields ignoring case) one record at a
/// time. Every value is text; the featurizer parses numbers and timestamps by the field's kind. An empty
/// value is a missing one.
/// </summary>
public sealed class CsvRecordReader : IRecordReader
{
    /// <inheritdoc />
    public async Task ReadAsync(Stream input, IRecordSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sink);
        using var text = new StreamReader(input, leaveOpen: true);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture) { DetectDelimiter = false, BadDataFound = null };
        using var parser = new CsvParser(text, configuration);
        try
        {
            if (!await parser.ReadAsync())
                return;
            var header = parser.Record ?? [];
            var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var column = 0; column < header.Length; column++)
                columns.TryAdd(header[column].Trim(), column);

            while (await parser.ReadAsync())
            {
                cancellationToken.ThrowIfCancellationRequested();
                await sink.AcceptAsync(new CsvRecord(columns, parser.Record ?? []), cancellationToken);
            }
        }
        catch (CsvHelperException exception)
        {
            throw new InvalidDataException($"The CSV input cannot be read at line {parser.Row}: {exception.Message.Split('\n')[0]}", exception);
        }
    }

    private readonly struct CsvRecord(Dictionary<string, int> columns, string[] values) : IRawRecord
    {
        public RawValue ValueOf(string field) =>
            columns.TryGetValue(field, out var column) && column < values.Length ? RawValue.Of(values[column]) : RawValue.Missing;
    }
}
