using System.Globalization;
using System.Text;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Records;
using Retrainer.Tests.Training;
using Retrainer.TrainingData;

namespace Retrainer.Tests.TrainingData;

/// <summary>
/// An uploaded training dataset read by a card (<see cref="TrainingDatasetReader"/>): which rows count as labelled and
/// usable, that every format the record readers read gives the same examples, and the even, repeatable sample of a file
/// with more usable rows than retraining takes.
/// </summary>
public sealed class TrainingDatasetReaderTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ModelCard Multiclass = SyntheticModels.Card(ModelTask.Multiclass, "synthetic-kind");

    [Fact]
    public async Task A_row_is_labelled_when_the_label_rule_reads_its_label_column_and_usable_when_the_features_are_accepted_too()
    {
        const string Csv = """
            x,color,shape,time,kind
            1.5,red,circle,2024-03-01T10:00:00,low
            2,blue,square,2024-03-01T11:00:00,HIGH
            3,green,circle,2024-03-01T12:00:00,enormous
            4,red,circle,2024-03-01T13:00:00,
            not-a-number,red,circle,2024-03-01T14:00:00,middle
            6,violet,square,2024-03-02T09:00:00,middle
            """;

        var check = await TrainingDatasetReader.CheckAsync(Multiclass, Stream(Csv), RecordFormat.Csv, RecordLimits.Default, None);

        // "enormous" is no label of the card and row 4 has none; row 5's x does not featurize; an unknown colour does (one-hot <unknown>).
        Assert.Equal((6L, 4L, 3L), (check.Rows, check.LabelledRows, check.UsableRows));
        var invalid = Assert.Single(check.InvalidRows);
        Assert.Equal(5, invalid.Row);
        Assert.Equal("x", Assert.Single(invalid.Errors).Field);
    }

    [Fact]
    public async Task A_file_without_the_label_column_has_rows_but_none_labelled()
    {
        const string Csv = """
            x,color,shape,time,size
            1.5,red,circle,2024-03-01T10:00:00,low
            """;

        var check = await TrainingDatasetReader.CheckAsync(Multiclass, Stream(Csv), RecordFormat.Csv, RecordLimits.Default, None);

        Assert.Equal((1L, 0L, 0L), (check.Rows, check.LabelledRows, check.UsableRows));
    }

    [Fact]
    public async Task The_kept_rows_exported_as_CSV_JSON_Lines_or_Parquet_read_back_as_the_same_examples()
    {
        var rows = SyntheticModels.Rows(ModelTask.Binary, "synthetic-wait", 300, seed: 5);
        var card = SyntheticModels.Card(ModelTask.Binary, "synthetic-wait");
        var expected = Featurized(card, SyntheticModels.Examples(rows));

        foreach (var format in new[] { RecordFormat.Csv, RecordFormat.JsonLines, RecordFormat.Parquet })
        {
            var file = new MemoryStream();
            await TrainingDataWriter.WriteAsync(card, rows.ToAsyncEnumerable(), format, file, None);
            var bytes = file.ToArray();

            var examples = await TrainingDatasetReader.ExamplesAsync(card, _ => Task.FromResult<Stream>(new MemoryStream(bytes)), format, 1_000, RecordLimits.Default, None);

            Assert.Equal(expected, Featurized(card, examples));
        }
    }

    [Fact]
    public async Task More_usable_rows_than_the_limit_give_the_limit_evenly_spread_over_the_file_the_same_each_time()
    {
        // 1,000 usable rows with x = row / 100, and after each an unlabelled one, which does not count.
        var csv = new StringBuilder("x,color,shape,time,kind\n");
        for (var row = 0; row < 1_000; row++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{row / 100.0},red,circle,2024-03-01T10:00:00,low\n");
            csv.Append("5,red,circle,2024-03-01T10:00:00,\n");
        }

        var bytes = Encoding.UTF8.GetBytes(csv.ToString());
        var opened = 0;
        Task<Stream> Open(CancellationToken token)
        {
            opened++;
            return Task.FromResult<Stream>(new MemoryStream(bytes));
        }

        var first = await TrainingDatasetReader.ExamplesAsync(Multiclass, Open, RecordFormat.Csv, 8, RecordLimits.Default, None);
        var again = await TrainingDatasetReader.ExamplesAsync(Multiclass, Open, RecordFormat.Csv, 8, RecordLimits.Default, None);

        // The usable rows numbered k × 1000 / 8: 0, 125, 250, … 875.
        Assert.Equal([0, 1.25, 2.5, 3.75, 5, 6.25, 7.5, 8.75], first.Select(example => double.Parse(example.Input.ValueOf("x").Text!, CultureInfo.InvariantCulture)));
        Assert.All(first, example => Assert.Equal("low", example.Outcome.Text));
        Assert.Equal(first.Select(example => example.Input.ValueOf("x")), again.Select(example => example.Input.ValueOf("x")));
        Assert.Equal(4, opened);
    }

    [Fact]
    public async Task A_file_that_is_not_in_its_format_is_refused_saying_so()
    {
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => TrainingDatasetReader.CheckAsync(Multiclass, Stream("x,kind\n1,low\n"), RecordFormat.Parquet, RecordLimits.Default, None));

        Assert.Contains("not a Parquet file", refused.Message, StringComparison.Ordinal);
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n")));

    // Each example as the trainer sees it: its features by the card and its truth by the label rule.
    private static List<string> Featurized(ModelCard card, IReadOnlyList<Retrainer.Training.TrainingExample> examples)
    {
        var featurizer = Featurizer.Create(card);
        var features = new float[featurizer.Width];
        return [.. examples.Select(example =>
        {
            Assert.True(featurizer.Featurize(example.Input, features).IsValid);
            return string.Join(",", features.Select(value => value.ToString("R", CultureInfo.InvariantCulture))) + " → " + OutcomeLabels.TruthOf(card, example.Outcome);
        })];
    }
}
