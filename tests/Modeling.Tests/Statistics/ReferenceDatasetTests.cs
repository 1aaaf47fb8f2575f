using System.Globalization;
using System.Text;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Records;
using Modeling.Scoring;
using Modeling.Statistics;
using TestSupport;

namespace Modeling.Tests.Statistics;

/// <summary>
/// A reference computed from a file of raw records, for models trained outside ML.NET (linear ONNX models written in
/// <see cref="LinearOnnxModel"/>): every column's distribution, the output's for the task and the metrics of the
/// labelled rows, each checked against the same quantities worked out here from the records.
/// </summary>
public sealed class ReferenceDatasetTests
{
    private static readonly string[] Kinds = ["low", "middle", "high"];
    private static readonly string[] Colors = ["red", "green", "violet"];

    // Multiclass: one score per label, linear in x; the colour's columns get no weight.
    private static readonly (double Slope, double Intercept)[] ClassScores = [(-1.5, 7.5), (0, 0), (1.5, -7.5)];

    [Fact]
    public async Task A_multiclass_reference_has_every_column_the_predicted_labels_shares_and_the_metrics_of_the_labelled_rows()
    {
        var rows = Records(seed: 1, count: 600);
        var card = MulticlassCard();
        using var scorer = OnnxScorer.Load(card, MulticlassOnnx(card));

        var profile = await ProfileAsync(scorer, Csv(rows, invalid: true), RecordFormat.Csv);

        Assert.Equal(602, profile.RowsRead);
        Assert.Equal([601L, 602L], profile.InvalidRows.Select(row => row.Row));
        Assert.Equal(FieldErrorCodes.NotANumber, profile.InvalidRows[1].Errors[0].Code);
        var statistics = profile.Statistics;
        Assert.Equal((600L, 2L, "dataset", "weather.csv"), (statistics.Rows, statistics.SkippedRows!.Value, statistics.Source, statistics.Dataset));

        var x = statistics.Columns.Single(column => column.Column == "x");
        Assert.Equal(rows.Min(row => row.X), x.Quantiles![0], 1e-5);
        Assert.Equal(rows.Max(row => row.X), x.Quantiles[^1], 1e-5);
        Assert.Equal(rows.Average(row => row.X), x.Mean!.Value, 1e-4);
        var red = statistics.Columns.Single(column => column.Column == "color=red");
        Assert.Equal(rows.Count(row => row.Color == "red") / 600.0, red.Frequencies!["1"], 1e-9);
        var unknown = statistics.Columns.Single(column => column.Column == $"color={CategoricalFeature.UnknownBucket}");
        Assert.Equal(rows.Count(row => row.Color == "violet") / 600.0, unknown.Frequencies!["1"], 1e-9);

        var expected = rows.Select(row => Softmax(row.X)).ToList();
        var predicted = expected.Select(Argmax).ToList();
        for (var label = 0; label < Kinds.Length; label++)
        {
            Assert.Equal(predicted.Count(index => index == label) / 600.0, statistics.Output!.PredictedClasses![Kinds[label]], 1e-9);
            Assert.Equal(rows.Count(row => row.Kind == Kinds[label]) / 600.0, statistics.Output.LabelClasses![Kinds[label]], 1e-9);
        }

        var metrics = profile.Metrics!.Multiclass!;
        Assert.Null(profile.Metrics.Holdout);
        Assert.Equal(600, metrics.Rows);
        Assert.Equal(rows.Where((row, index) => Kinds[predicted[index]] == row.Kind).Count() / 600.0, metrics.Accuracy, 1e-9);
        Assert.Equal(rows.Select((row, index) => -Math.Log(expected[index][Array.IndexOf(Kinds, row.Kind)])).Average(), metrics.LogLoss, 1e-5);
        Assert.Equal(rows.Count(row => row.Kind == "high"), metrics.Classes["high"].Support);
    }

    [Fact]
    public async Task A_regression_reference_describes_the_predicted_and_the_true_values_and_their_errors()
    {
        var rows = Records(seed: 2, count: 400);
        var card = RegressionCard();
        using var scorer = OnnxScorer.Load(card, LinearOnnxModel.Regression([2f, 0, 0, 0], 1f));

        var profile = await ProfileAsync(scorer, Csv(rows, invalid: false), RecordFormat.Csv);

        var predictions = rows.Select(row => (2 * (double)(float)row.X) + 1).ToList();
        var output = profile.Statistics.Output!;
        Assert.Equal(predictions.Min(), output.Value!.Quantiles![0], 1e-4);
        Assert.Equal(predictions.Max(), output.Value.Quantiles[^1], 1e-4);
        Assert.Equal(rows.Max(row => row.Temperature), output.LabelValue!.Quantiles![^1], 1e-4);
        var metrics = profile.Metrics!.Regression!;
        Assert.Equal(400, metrics.Rows);
        Assert.Equal(rows.Select((row, index) => Math.Abs(predictions[index] - row.Temperature)).Average(), metrics.Mae, 1e-4);
        Assert.Equal(Math.Sqrt(rows.Select((row, index) => Math.Pow(predictions[index] - row.Temperature, 2)).Average()), metrics.Rmse, 1e-4);
    }

    [Fact]
    public async Task The_same_records_give_the_same_reference_in_every_format()
    {
        var rows = Records(seed: 3, count: 200);
        var card = MulticlassCard();
        using var scorer = OnnxScorer.Load(card, MulticlassOnnx(card));

        var csv = await ProfileAsync(scorer, Csv(rows, invalid: false), RecordFormat.Csv);
        var jsonLines = await ProfileAsync(scorer, JsonLines(rows), RecordFormat.JsonLines);

        Assert.Equal(ModelCardJson.Serialize(card with { Reference = csv.Statistics, Metrics = csv.Metrics }),
            ModelCardJson.Serialize(card with { Reference = jsonLines.Statistics, Metrics = jsonLines.Metrics }));
    }

    [Fact]
    public async Task Beyond_the_limit_a_seeded_uniform_sample_of_the_rows_is_described_and_the_same_seed_gives_the_same_sample()
    {
        var rows = Records(seed: 4, count: 3000);
        var card = MulticlassCard();
        using var scorer = OnnxScorer.Load(card, MulticlassOnnx(card));

        var first = await ReferenceDataset.ProfileAsync(scorer, new MemoryStream(Csv(rows, invalid: false)), RecordFormat.Csv, "weather.csv", maxRows: 500, seed: 9, RecordLimits.Default, CancellationToken.None);
        var again = await ReferenceDataset.ProfileAsync(scorer, new MemoryStream(Csv(rows, invalid: false)), RecordFormat.Csv, "weather.csv", maxRows: 500, seed: 9, RecordLimits.Default, CancellationToken.None);
        var other = await ReferenceDataset.ProfileAsync(scorer, new MemoryStream(Csv(rows, invalid: false)), RecordFormat.Csv, "weather.csv", maxRows: 500, seed: 10, RecordLimits.Default, CancellationToken.None);

        Assert.Equal((3000L, 500L, 0L), (first.RowsRead, first.Statistics.Rows, first.Statistics.SkippedRows!.Value));
        Assert.Equal(500, first.Metrics!.Multiclass!.Rows);
        Assert.Equal(ModelCardJson.Serialize(card with { Reference = first.Statistics }), ModelCardJson.Serialize(card with { Reference = again.Statistics }));
        Assert.NotEqual(ModelCardJson.Serialize(card with { Reference = first.Statistics }), ModelCardJson.Serialize(card with { Reference = other.Statistics }));
        // A uniform sample of the later rows too, not the first 500: the whole file's range of x is there.
        var x = first.Statistics.Columns.Single(column => column.Column == "x");
        Assert.Equal(rows.Average(row => row.X), x.Mean!.Value, 0.5);
    }

    [Fact]
    public async Task Without_the_label_field_the_reference_has_no_metrics_and_no_label_shares()
    {
        var rows = Records(seed: 5, count: 50);
        var card = MulticlassCard() with { Label = new LabelSpec { Field = "outcome" } };
        using var scorer = OnnxScorer.Load(card, MulticlassOnnx(card));

        var profile = await ProfileAsync(scorer, Csv(rows, invalid: false), RecordFormat.Csv);

        Assert.Null(profile.Metrics);
        Assert.Equal(0, profile.RowsLabelled);
        Assert.Null(profile.Statistics.Output!.LabelClasses);
        Assert.Equal(1.0, profile.Statistics.Output.PredictedClasses!.Values.Sum(), 1e-9);
    }

    [Fact]
    public async Task A_binary_reference_has_the_positive_rates_and_hold_out_metrics_only_when_both_labels_are_there()
    {
        var rows = Records(seed: 6, count: 300);
        var card = MulticlassCard() with
        {
            Task = ModelTask.Binary,
            Output = new ModelOutput { Probability = "probabilities", Labels = ["on-time", "late"], Threshold = 0.5 },
            Label = new LabelSpec { Field = "temperature", PositiveWhenGreaterThan = 11 },
        };
        // Two softmax columns, the last read as the positive class: p = sigmoid(2x - 10).
        var weights = new float[card.Input.Columns.Count, 2];
        weights[0, 1] = 2f;
        using var scorer = OnnxScorer.Load(card, LinearOnnxModel.Multiclass(weights, [0f, -10f]));

        var profile = await ProfileAsync(scorer, Csv(rows, invalid: false), RecordFormat.Csv);

        var positive = rows.Select(row => row.Temperature > 11).ToList();
        var probabilities = rows.Select(row => 1 / (1 + Math.Exp(-((2 * (double)(float)row.X) - 10)))).ToList();
        var output = profile.Statistics.Output!;
        Assert.Equal(positive.Count(truth => truth) / 300.0, output.LabelPositiveRate!.Value, 1e-9);
        Assert.Equal(probabilities.Count(p => p >= 0.5) / 300.0, output.PredictedPositiveRate!.Value, 1e-9);
        var holdout = profile.Metrics!.Holdout!;
        Assert.Equal(300, holdout.Rows);
        // The AUC as the share of (positive, negative) pairs ranked right, ties counting a half.
        var pairs = positive.SelectMany((p, i) => positive.Select((n, j) => (p, n, i, j))).Where(pair => pair.p && !pair.n)
            .Select(pair => probabilities[pair.i] > probabilities[pair.j] ? 1.0 : probabilities[pair.i] == probabilities[pair.j] ? 0.5 : 0).ToList();
        Assert.Equal(pairs.Average(), holdout.Auc, 1e-3);

        var oneLabel = await ProfileAsync(scorer, Csv(rows.Where(row => row.Temperature > 11), invalid: false), RecordFormat.Csv);
        Assert.Null(oneLabel.Metrics);
        Assert.Equal(1.0, oneLabel.Statistics.Output!.LabelPositiveRate);
    }

    private static Task<ReferenceDatasetProfile> ProfileAsync(OnnxScorer scorer, byte[] file, RecordFormat format) =>
        ReferenceDataset.ProfileAsync(scorer, new MemoryStream(file), format, "weather.csv", maxRows: 100_000, seed: 1, RecordLimits.Default, CancellationToken.None);

    private static IReadOnlyList<FeatureSpec> Features =>
    [
        new NumericFeature { Name = "x", Min = 0, Max = 10 },
        new CategoricalFeature { Name = "color", Vocabulary = ["red", "green"], Encoding = CategoricalEncoding.OneHot },
    ];

    private static ModelCard MulticlassCard() => new()
    {
        Name = "weather",
        Version = "1",
        Task = ModelTask.Multiclass,
        Features = Features,
        Input = new ModelInput { Name = "features", Columns = Featurizer.Create(Features).Columns },
        Output = new ModelOutput { Probability = "probabilities", Labels = Kinds },
        Label = new LabelSpec { Field = "kind" },
    };

    private static ModelCard RegressionCard() => MulticlassCard() with
    {
        Task = ModelTask.Regression,
        Output = new ModelOutput { Score = "value" },
        Label = new LabelSpec { Field = "temperature" },
    };

    private static byte[] MulticlassOnnx(ModelCard card)
    {
        var weights = new float[card.Input.Columns.Count, Kinds.Length];
        for (var label = 0; label < Kinds.Length; label++)
            weights[0, label] = (float)ClassScores[label].Slope;
        return LinearOnnxModel.Multiclass(weights, [.. ClassScores.Select(score => (float)score.Intercept)]);
    }

    private static double[] Softmax(double x)
    {
        var scores = ClassScores.Select(score => (score.Slope * (float)x) + score.Intercept).ToArray();
        var largest = scores.Max();
        var exponentials = scores.Select(score => Math.Exp(score - largest)).ToArray();
        return [.. exponentials.Select(value => value / exponentials.Sum())];
    }

    private static int Argmax(double[] values) => Array.IndexOf(values, values.Max());

    // x in [0, 10) with two decimals; the label follows x with some noise; the temperature is 2x + 1 plus noise.
    private static List<Row> Records(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var x = Math.Round(random.NextDouble() * 10, 2);
            var noisy = x + ((random.NextDouble() - 0.5) * 3);
            return new Row(x, Colors[random.Next(Colors.Length)], Kinds[noisy < 3.5 ? 0 : noisy < 6.5 ? 1 : 2], Math.Round((2 * x) + 1 + ((random.NextDouble() - 0.5) * 4), 2));
        })];
    }

    private static byte[] Csv(IEnumerable<Row> rows, bool invalid)
    {
        var text = new StringBuilder("x,color,kind,temperature\n");
        foreach (var row in rows)
            text.Append(CultureInfo.InvariantCulture, $"{row.X},{row.Color},{row.Kind},{row.Temperature}\n");
        if (invalid)
            text.Append(",red,low,1\nabc,red,low,1\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] JsonLines(IEnumerable<Row> rows) => Encoding.UTF8.GetBytes(string.Concat(rows.Select(row =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"x\": {row.X}, \"color\": \"{row.Color}\", \"kind\": \"{row.Kind}\", \"temperature\": {row.Temperature}}}\n"))));

    private sealed record Row(double X, string Color, string Kind, double Temperature);
}
