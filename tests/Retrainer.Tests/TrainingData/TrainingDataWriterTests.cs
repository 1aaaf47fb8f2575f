using System.Text;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Records;
using Parquet;
using Retrainer.Retraining;
using Retrainer.TrainingData;

namespace Retrainer.Tests.TrainingData;

/// <summary>The kept labelled rows as a file to train on: the card's raw fields, the label, when it was observed, in every format.</summary>
public sealed class TrainingDataWriterTests
{
    private static readonly DateTimeOffset Observed = new(2026, 12, 7, 9, 30, 0, TimeSpan.FromHours(1));

    private static readonly ModelCard Card = new()
    {
        Name = "weather-kind",
        Version = "1",
        Task = ModelTask.Multiclass,
        Features = [new NumericFeature { Name = "x" }, new CategoricalFeature { Name = "color", Vocabulary = ["red"] }],
        Output = new ModelOutput { Probability = "probabilities", Labels = ["low", "high"] },
        Label = new LabelSpec { Field = "kind" },
    };

    private static readonly LabelledRow[] Rows =
    [
        new("weather-kind", Guid.Parse("0193a000-0000-7000-8000-000000000001"), "1", Observed, """{"X": 1.5, "color": "red, or \"crimson\"", "extra": true}""", null, "low", "platform-external"),
        new("weather-kind", Guid.Parse("0193a000-0000-7000-8000-000000000002"), "2", Observed.AddHours(1), """{"x": 7, "color": null}""", 2, null),
    ];

    [Fact]
    public async Task Csv_has_a_header_row_the_fields_matched_ignoring_case_and_text_quoted()
    {
        var csv = Encoding.UTF8.GetString(await WriteAsync(RecordFormat.Csv));

        Assert.Equal(
            "x,color,kind,observedAt,outcomeId,modelVersion,reportedBy\n" +
            "1.5,\"red, or \"\"crimson\"\"\",low,2026-12-07T08:30:00.0000000Z,0193a000-0000-7000-8000-000000000001,1,platform-external\n" +
            "7,,2,2026-12-07T09:30:00.0000000Z,0193a000-0000-7000-8000-000000000002,2,\n",
            csv.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Csv_neutralizes_text_a_spreadsheet_would_run_keeps_numbers_and_reads_back_as_written()
    {
        LabelledRow[] crafted =
        [
            new("weather-kind", Guid.Parse("0193a000-0000-7000-8000-000000000003"), "1", Observed, """{"x": -5, "color": "=cmd|' /C calc'!A0"}""", null, "@label"),
            new("weather-kind", Guid.Parse("0193a000-0000-7000-8000-000000000004"), "1", Observed, """{"x": "-2.5", "color": "-red"}""", -3, null),
        ];
        using var output = new MemoryStream();
        await TrainingDataWriter.WriteAsync(Card, crafted.ToAsyncEnumerable(), RecordFormat.Csv, output, CancellationToken.None);

        var lines = Encoding.UTF8.GetString(output.ToArray()).ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("-5,'=cmd|' /C calc'!A0,'@label,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("-2.5,'-red,-3,", lines[2], StringComparison.Ordinal);

        var records = new Records();
        await new CsvRecordReader().ReadAsync(new MemoryStream(output.ToArray()), records, CancellationToken.None);
        Assert.Equal([RawValue.Of("=cmd|' /C calc'!A0"), RawValue.Of("-red")], records.Values("color"));
        Assert.Equal([RawValue.Of("@label"), RawValue.Of("-3")], records.Values("kind"));
        Assert.Equal([RawValue.Of("-5"), RawValue.Of("-2.5")], records.Values("x"));
    }

    [Fact]
    public async Task Json_lines_keep_each_field_as_it_was_sent_and_leave_out_missing_ones()
    {
        var lines = Encoding.UTF8.GetString(await WriteAsync(RecordFormat.JsonLines)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
            """{"x":1.5,"color":"red, or \u0022crimson\u0022","kind":"low","observedAt":"2026-12-07T08:30:00Z","outcomeId":"0193a000-0000-7000-8000-000000000001","modelVersion":"1","reportedBy":"platform-external"}""",
            lines[0]);
        Assert.Equal("""{"x":7,"kind":2,"observedAt":"2026-12-07T09:30:00Z","outcomeId":"0193a000-0000-7000-8000-000000000002","modelVersion":"2"}""", lines[1]);
    }

    [Fact]
    public async Task Parquet_has_numeric_features_as_doubles_and_the_rest_as_text_and_reads_back_as_records()
    {
        var parquet = await WriteAsync(RecordFormat.Parquet);
        await using (var reader = await ParquetReader.CreateAsync(new MemoryStream(parquet)))
        {
            Assert.Equal(
                [("x", typeof(double)), ("color", typeof(string)), ("kind", typeof(string)), ("observedAt", typeof(DateTime)), ("outcomeId", typeof(string)), ("modelVersion", typeof(string)), ("reportedBy", typeof(string))],
                reader.Schema.GetDataFields().Select(field => (field.Name, TypeOf(field.ClrType))));
        }

        var records = new Records();
        await new ParquetRecordReader().ReadAsync(new MemoryStream(parquet), records, CancellationToken.None);

        Assert.Equal([RawValue.Of(1.5), RawValue.Of(7)], records.Values("x"));
        Assert.Equal([RawValue.Of("red, or \"crimson\""), RawValue.Missing], records.Values("color"));
        Assert.Equal([RawValue.Of("low"), RawValue.Of("2")], records.Values("kind"));
        Assert.Equal([RawValue.Of(Observed.UtcDateTime), RawValue.Of(Observed.AddHours(1).UtcDateTime)], records.Values("observedAt"));
        Assert.Equal([RawValue.Of("platform-external"), RawValue.Missing], records.Values("reportedBy"));
    }

    // Parquet.Net reads text columns as ReadOnlyMemory<char>.
    private static Type TypeOf(Type clr) => clr == typeof(ReadOnlyMemory<char>) ? typeof(string) : Nullable.GetUnderlyingType(clr) ?? clr;

    // Keeps every record's fields as read.
    private sealed class Records : IRecordSink
    {
        private static readonly string[] Fields = ["x", "color", "kind", "observedAt", "reportedBy"];
        private readonly List<Dictionary<string, RawValue>> _records = [];

        public RawValue[] Values(string field) => [.. _records.Select(record => record[field])];

        public void ReportRowCount(long rows)
        {
        }

        public ValueTask AcceptAsync<TRecord>(TRecord record, CancellationToken cancellationToken) where TRecord : IRawRecord
        {
            _records.Add(Fields.ToDictionary(field => field, field => record.ValueOf(field)));
            return ValueTask.CompletedTask;
        }

        public ValueTask RejectAsync(FieldError reason, CancellationToken cancellationToken) => throw new InvalidOperationException(reason.Message);
    }

    private static async Task<byte[]> WriteAsync(RecordFormat format)
    {
        using var output = new MemoryStream();
        await TrainingDataWriter.WriteAsync(Card, Rows.ToAsyncEnumerable(), format, output, CancellationToken.None);
        return output.ToArray();
    }
}
