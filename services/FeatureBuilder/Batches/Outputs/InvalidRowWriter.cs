using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Modeling.Records;

namespace FeatureBuilder.Batches.Outputs;

/// <summary>
/// Writes a batch's invalid rows in input order: JSON Lines <c>{"row": 3, "errors": [{"field", "code",
/// "message"}]}</c>, or CSV with one line per error (<c>row,field,code,message</c>).
/// </summary>
public static class InvalidRowWriter
{
    /// <summary>Writes <paramref name="rows"/> to <paramref name="output"/> as CSV or JSON Lines.</summary>
    public static async Task WriteAsync(RecordFormat format, IAsyncEnumerable<InvalidRow> rows, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        if (format == RecordFormat.Csv)
            await writer.WriteLineAsync("row,field,code,message");
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (format == RecordFormat.Csv)
            {
                foreach (var error in row.Errors)
                {
                    await writer.WriteLineAsync(string.Join(',',
                        row.RowNumber.ToString(CultureInfo.InvariantCulture), CsvText.Text(error.Field), CsvText.Text(error.Code), CsvText.Text(error.Message)));
                }
            }
            else
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(new { row = row.RowNumber, errors = row.Errors }, Json));
            }
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
