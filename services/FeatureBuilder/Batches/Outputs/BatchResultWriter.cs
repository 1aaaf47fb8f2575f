using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Modeling.Records;
using Parquet;
using Parquet.Schema;

namespace FeatureBuilder.Batches.Outputs;

/// <summary>
/// Writes a batch's results in input order, one line or row per scored input row: <c>row</c> (the input row
/// number), <c>entityKey</c>, <c>label</c>, <c>probability</c>, <c>value</c>. CSV always has the five
/// columns (empty when absent), its text cells written by <see cref="CsvText"/> (a cell a spreadsheet would run as a
/// formula is neutralized); JSON Lines leaves absent members out; Parquet has optional columns.
/// </summary>
public static class BatchResultWriter
{
    /// <summary>The columns, in order.</summary>
    public static readonly IReadOnlyList<string> Columns = ["row", "entityKey", "label", "probability", "value"];

    /// <summary>Writes <paramref name="chunks"/> to <paramref name="output"/> in <paramref name="format"/>.</summary>
    public static Task WriteAsync(RecordFormat format, IAsyncEnumerable<ChunkResults> chunks, Stream output, CancellationToken cancellationToken) => format switch
    {
        RecordFormat.Csv => WriteCsvAsync(chunks, output, cancellationToken),
        RecordFormat.JsonLines => WriteJsonLinesAsync(chunks, output, cancellationToken),
        _ => WriteParquetAsync(chunks, output, cancellationToken),
    };

    private static async Task WriteCsvAsync(IAsyncEnumerable<ChunkResults> chunks, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(',', Columns));
        var line = new StringBuilder();
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            for (var row = 0; row < chunk.RowNumbers.Length; row++)
            {
                line.Clear()
                    .Append(chunk.RowNumbers[row].ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(CsvText.Text(chunk.EntityKeys?[row])).Append(',')
                    .Append(CsvText.Text(chunk.Labels?[row])).Append(',')
                    .Append(Number(chunk.Probabilities, row)).Append(',')
                    .Append(Number(chunk.Values, row));
                await writer.WriteLineAsync(line, cancellationToken);
            }
        }
    }

    // Each chunk's lines are built in memory and written with one asynchronous write (the response stream
    // refuses synchronous writes, and one write per row would be slow).
    private static async Task WriteJsonLinesAsync(IAsyncEnumerable<ChunkResults> chunks, Stream output, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            buffer.ResetWrittenCount();
            for (var row = 0; row < chunk.RowNumbers.Length; row++)
            {
                json.Reset();
                json.WriteStartObject();
                json.WriteNumber("row", chunk.RowNumbers[row]);
                if (chunk.EntityKeys?[row] is { } entityKey)
                    json.WriteString("entityKey", entityKey);
                if (chunk.Labels?[row] is { } label)
                    json.WriteString("label", label);
                if (chunk.Probabilities is { } probabilities && float.IsFinite(probabilities[row]))
                    json.WriteNumber("probability", probabilities[row]);
                if (chunk.Values is { } values && float.IsFinite(values[row]))
                    json.WriteNumber("value", values[row]);
                json.WriteEndObject();
                json.Flush();
                buffer.Write("\n"u8);
            }

            await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
        }
    }

    // Parquet's footer comes last and its writer needs a seekable stream: the file is written to a temporary
    // file, one row group per chunk, then copied out.
    private static async Task WriteParquetAsync(IAsyncEnumerable<ChunkResults> chunks, Stream output, CancellationToken cancellationToken)
    {
        var row = new DataField<long>("row");
        var entityKey = new DataField<string>("entityKey", true);
        var label = new DataField<string>("label", true);
        var probability = new DataField<float?>("probability");
        var value = new DataField<float?>("value");
        var schema = new ParquetSchema(row, entityKey, label, probability, value);
        var path = Path.GetTempFileName();
        try
        {
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                await using var writer = await ParquetWriter.CreateAsync(schema, file, cancellationToken: cancellationToken);
                await foreach (var chunk in chunks.WithCancellation(cancellationToken))
                {
                    var rows = chunk.RowNumbers.Length;
                    using var group = writer.CreateRowGroup();
                    await group.WriteAsync<long>(row, chunk.RowNumbers, null, null, cancellationToken);
                    await group.WriteAsync(entityKey, (chunk.EntityKeys ?? new string?[rows])!, null);
                    await group.WriteAsync(label, (chunk.Labels ?? new string?[rows])!, null);
                    await group.WriteAsync<float>(probability, Optional(chunk.Probabilities, rows), null, null, cancellationToken);
                    await group.WriteAsync<float>(value, Optional(chunk.Values, rows), null, null, cancellationToken);
                }
            }

            await using var written = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await written.CopyToAsync(output, cancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static float?[] Optional(float[]? values, int rows)
    {
        var optional = new float?[rows];
        if (values is not null)
        {
            for (var row = 0; row < rows; row++)
                optional[row] = float.IsFinite(values[row]) ? values[row] : null;
        }

        return optional;
    }

    private static string Number(float[]? values, int row) => values is null ? "" : CsvText.Number(values[row]);
}
