using System.Globalization;
using System.Text;
using System.Text.Json;
using Modeling.Cards;
using Modeling.Records;
using Parquet;
using Parquet.Schema;
using Retrainer.Retraining;

namespace Retrainer.TrainingData;

/// <summary>
/// Writes kept labelled rows as a file a team can train on, or send back as a reference: one row per outcome with the
/// card's raw fields as the prediction API took them, the true value under the card's label field (<c>label</c> without
/// one), and <c>observedAt</c>, <c>outcomeId</c>, <c>modelVersion</c>, <c>reportedBy</c> (the outcome's source: <c>key:&lt;key id&gt;</c>, <c>broker:&lt;user&gt;</c>, …;
/// empty, or left out of a JSON line, when not known). CSV (a header row; cells by <see cref="CsvText"/>), JSON Lines (each field as it
/// was sent), or Parquet (numeric features as doubles; the label a double when outcomes are numbers, a binary card with
/// <c>label.positiveWhenGreaterThan</c> or a regression, else text; <c>observedAt</c> a UTC timestamp; the rest text).
/// </summary>
public static class TrainingDataWriter
{
    private const int RowsPerGroup = 10_000;

    /// <summary>The column a file of <paramref name="card"/>'s training data holds the true value in: the card's <c>label.field</c>, <c>label</c> without one.</summary>
    public static string LabelColumnOf(ModelCard card) =>
        (card ?? throw new ArgumentNullException(nameof(card))).Label?.Field is { Length: > 0 } field ? field : "label";

    /// <summary>Writes <paramref name="rows"/> in <paramref name="format"/> to <paramref name="output"/>.</summary>
    public static Task WriteAsync(ModelCard card, IAsyncEnumerable<LabelledRow> rows, RecordFormat format, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        var columns = new Columns(card);
        return format switch
        {
            RecordFormat.Csv => WriteCsvAsync(columns, rows, output, cancellationToken),
            RecordFormat.JsonLines => WriteJsonLinesAsync(columns, rows, output, cancellationToken),
            _ => WriteParquetAsync(columns, rows, output, cancellationToken),
        };
    }

    // Cells by CsvText: numbers as numbers, text neutralized where a spreadsheet would run it as a formula (read back as written).
    private static async Task WriteCsvAsync(Columns columns, IAsyncEnumerable<LabelledRow> rows, Stream output, CancellationToken cancellationToken)
    {
        await using var text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        await text.WriteLineAsync(string.Join(',', columns.Names.Select(CsvText.Text)));
        var line = new StringBuilder();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            using var input = JsonDocument.Parse(row.Input);
            line.Clear();
            foreach (var feature in columns.Features)
                line.Append(Field(input.RootElement, feature) is { } value ? Cell(value) : "").Append(',');
            line.Append(row.ActualValue is { } number ? CsvText.Number(number) : CsvText.Text(row.ActualLabel)).Append(',')
                .Append(CsvText.Text(row.ObservedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))).Append(',')
                .Append(CsvText.Text(row.OutcomeId.ToString("D"))).Append(',')
                .Append(CsvText.Text(row.ModelVersion)).Append(',')
                .Append(CsvText.Text(row.ReportedBy));
            await text.WriteLineAsync(line, cancellationToken);
        }
    }

    // A JSON number is a number cell, anything else a text cell.
    private static string Cell(JsonElement value) => value.ValueKind == JsonValueKind.Number ? value.GetRawText() : CsvText.Text(Text(value));

    private static async Task WriteJsonLinesAsync(Columns columns, IAsyncEnumerable<LabelledRow> rows, Stream output, CancellationToken cancellationToken)
    {
        var newline = "\n"u8.ToArray();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            using var input = JsonDocument.Parse(row.Input);
            await using (var json = new Utf8JsonWriter(output))
            {
                json.WriteStartObject();
                foreach (var feature in columns.Features)
                {
                    if (Field(input.RootElement, feature) is { } value)
                    {
                        json.WritePropertyName(feature);
                        value.WriteTo(json);
                    }
                }

                if (row.ActualValue is { } number)
                    json.WriteNumber(columns.Label, number);
                else if (row.ActualLabel is { } label)
                    json.WriteString(columns.Label, label);
                json.WriteString("observedAt", row.ObservedAt.UtcDateTime);
                json.WriteString("outcomeId", row.OutcomeId);
                json.WriteString("modelVersion", row.ModelVersion);
                if (row.ReportedBy is { } reportedBy)
                    json.WriteString("reportedBy", reportedBy);
                json.WriteEndObject();
            }

            await output.WriteAsync(newline, cancellationToken);
        }
    }

    // Parquet's footer comes last and its writer needs a seekable stream: written to a temporary file, then copied out.
    private static async Task WriteParquetAsync(Columns columns, IAsyncEnumerable<LabelledRow> rows, Stream output, CancellationToken cancellationToken)
    {
        var fields = columns.Features.Select(feature => columns.IsNumeric(feature) ? (DataField)new DataField<double?>(feature) : new DataField<string>(feature, true)).ToList();
        DataField label = columns.NumericLabel ? new DataField<double?>(columns.Label) : new DataField<string>(columns.Label, true);
        var observedAt = new DataField<DateTime>("observedAt");
        var outcomeId = new DataField<string>("outcomeId");
        var modelVersion = new DataField<string>("modelVersion");
        var reportedBy = new DataField<string>("reportedBy", true);
        var schema = new ParquetSchema([.. fields, label, observedAt, outcomeId, modelVersion, reportedBy]);
        await using var file = new FileStream(
            Path.Combine(Path.GetTempPath(), $"training-data-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (var writer = await ParquetWriter.CreateAsync(schema, file, cancellationToken: cancellationToken))
        {
            await foreach (var group in rows.Chunk(RowsPerGroup).WithCancellation(cancellationToken))
            {
                using var rowGroup = writer.CreateRowGroup();
                var inputs = group.Select(row => JsonDocument.Parse(row.Input)).ToList();
                try
                {
                    for (var column = 0; column < fields.Count; column++)
                    {
                        var feature = columns.Features[column];
                        var values = inputs.Select(input => Field(input.RootElement, feature));
                        if (columns.IsNumeric(feature))
                            await rowGroup.WriteAsync<double>((DataField<double?>)fields[column], values.Select(value => value is { ValueKind: JsonValueKind.Number } number ? number.GetDouble() : (double?)null).ToArray(), null, null, cancellationToken);
                        else
                            await rowGroup.WriteAsync((DataField<string>)fields[column], [.. values.Select(value => value is { } present ? Text(present) : null)], null);
                    }

                    if (columns.NumericLabel)
                        await rowGroup.WriteAsync<double>((DataField<double?>)label, group.Select(row => row.ActualValue).ToArray(), null, null, cancellationToken);
                    else
                        await rowGroup.WriteAsync((DataField<string>)label, [.. group.Select(row => row.ActualLabel ?? row.ActualValue?.ToString("R", CultureInfo.InvariantCulture))], null);
                    await rowGroup.WriteAsync<DateTime>(observedAt, group.Select(row => row.ObservedAt.UtcDateTime).ToArray(), null, null, cancellationToken);
                    await rowGroup.WriteAsync(outcomeId, [.. group.Select(row => row.OutcomeId.ToString("D"))], null);
                    await rowGroup.WriteAsync(modelVersion, [.. group.Select(row => row.ModelVersion)], null);
                    await rowGroup.WriteAsync(reportedBy, [.. group.Select(row => row.ReportedBy)], null);
                }
                finally
                {
                    inputs.ForEach(input => input.Dispose());
                }
            }
        }

        file.Position = 0;
        await file.CopyToAsync(output, cancellationToken);
    }

    // A raw field of the record, matched by name ignoring case as the featurizer reads records; null when absent or null.
    private static JsonElement? Field(JsonElement record, string name)
    {
        foreach (var property in record.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind != JsonValueKind.Null)
                return property.Value;
        }

        return null;
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    // The file's columns: the card's raw fields, then the label, observedAt, outcomeId, modelVersion and reportedBy.
    private sealed class Columns(ModelCard card)
    {
        public IReadOnlyList<string> Features { get; } = [.. card.Features.Select(feature => feature.Name)];

        public string Label { get; } = LabelColumnOf(card);

        public bool NumericLabel { get; } = card.Task == ModelTask.Regression || card.Label?.PositiveWhenGreaterThan is not null;

        public IEnumerable<string> Names => [.. Features, Label, "observedAt", "outcomeId", "modelVersion", "reportedBy"];

        public bool IsNumeric(string feature) => card.Features.First(spec => spec.Name == feature) is NumericFeature;
    }
}
