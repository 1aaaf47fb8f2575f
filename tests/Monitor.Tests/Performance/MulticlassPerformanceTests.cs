using Modeling.Statistics;
using Monitor.Performance;
using Monitor.References;
using Monitor.Windows;

namespace Monitor.Tests.Performance;

/// <summary>
/// Live multiclass performance against values worked out by hand and against the card's own multiclass evaluation
/// (<see cref="MulticlassConfusion"/>), and the accuracy estimated from the probabilities (CBPE for several classes).
/// </summary>
public sealed class MulticlassPerformanceTests
{
    private static readonly string[] Labels = TaskTestData.Labels;

    // (truth, predicted, every label's probability or null for an older sender, the predicted label's probability)
    private static readonly (int Truth, int Predicted, float[]? Probabilities, float Confidence)[] Six =
    [
        (0, 0, [0.72f, 0.18f, 0.10f], 0.72f),
        (0, 1, [0.33f, 0.57f, 0.10f], 0.57f),
        (1, 1, [0.05f, 0.83f, 0.12f], 0.83f),
        (2, 2, [0.14f, 0.25f, 0.61f], 0.61f),
        (2, 1, [0.22f, 0.45f, 0.33f], 0.45f),
        (1, 1, null, 0.74f),
    ];

    [Fact]
    public void Accuracy_macro_F1_per_label_precision_and_recall_log_loss_and_calibration_are_the_hand_worked_values()
    {
        var outcomes = Aggregate(Six);

        var performance = MulticlassPerformance.Of(outcomes.Multiclass, Labels)!;

        // Right: rows 1, 3, 4 and 6 of 6.
        Assert.Equal(6, performance.Rows);
        Assert.Equal(4.0 / 6, performance.Accuracy!.Value, 12);
        // low: predicted once (right), true twice; middle: predicted 4 times (2 right), true twice; high: predicted once (right), true twice.
        AssertClass(performance.Classes["low"], precision: 1, recall: 0.5, support: 2, predicted: 1);
        AssertClass(performance.Classes["middle"], precision: 0.5, recall: 1, support: 2, predicted: 4);
        AssertClass(performance.Classes["high"], precision: 1, recall: 0.5, support: 2, predicted: 1);
        // Each label's F1 is 2·P·R/(P+R) = 2/3, so is their mean.
        Assert.Equal(2.0 / 3, performance.MacroF1!.Value, 12);
        // Log loss over the five outcomes that carried every probability: the true label's probability of each.
        Assert.Equal(5, performance.LogLossRows);
        var logLoss = -(Math.Log(0.72f) + Math.Log(0.33f) + Math.Log(0.83f) + Math.Log(0.61f) + Math.Log(0.33f)) / 5;
        Assert.Equal(logLoss, performance.LogLoss!.Value, 9);
        // Calibration of the predicted label's probability: bins 0.4, 0.5, 0.6 (one each: wrong, wrong, right), 0.7 (two, both
        // right, mean 0.73), 0.8 (one, right); ECE = (0.45 + 0.57 + 0.39 + 2·0.27 + 0.17) / 6.
        Assert.Equal([(0.4, 1L, 0.0), (0.5, 1L, 0.0), (0.6, 1L, 1.0), (0.7, 2L, 1.0), (0.8, 1L, 1.0)],
            performance.Calibration.Select(bin => (Math.Round(bin.From, 1), bin.Rows, bin.ObservedRate)));
        Assert.Equal(0.73, performance.Calibration.Single(bin => bin.Rows == 2).MeanProbability, 6);
        Assert.Equal(2.12 / 6, performance.ExpectedCalibrationError!.Value, 6);
    }

    [Fact]
    public void The_numbers_equal_the_card_s_multiclass_evaluation_of_the_same_rows()
    {
        var rows = TaskTestData.MulticlassRows(seed: 31, count: 5000);
        var outcomes = Aggregate(rows.Select(row => (row.Truth, row.Predicted, (float[]?)row.Probabilities, row.Probabilities[row.Predicted])));
        var confusion = new MulticlassConfusion(Labels.Length);
        foreach (var row in rows)
            confusion.Add(row.Truth, row.Predicted, row.Probabilities[row.Truth]);

        var live = MulticlassPerformance.Of(outcomes.Multiclass, Labels)!;
        var card = confusion.Metrics(Labels);

        Assert.Equal(card.Accuracy, live.Accuracy!.Value, 12);
        Assert.Equal(card.MacroF1, live.MacroF1!.Value, 12);
        Assert.Equal(card.LogLoss, live.LogLoss!.Value, 9);
        foreach (var label in Labels)
        {
            Assert.Equal(card.Classes[label].Precision, live.Classes[label].Precision!.Value, 12);
            Assert.Equal(card.Classes[label].Recall, live.Classes[label].Recall!.Value, 12);
            Assert.Equal(card.Classes[label].F1, live.Classes[label].F1!.Value, 12);
            Assert.Equal(card.Classes[label].Support, live.Classes[label].Support);
        }
    }

    [Fact]
    public void Outcomes_counted_in_slices_and_merged_give_the_numbers_of_one_count()
    {
        var rows = TaskTestData.MulticlassRows(seed: 32, count: 3000)
            .Select((row, index) => (row.Truth, row.Predicted, index % 3 == 0 ? null : (float[]?)row.Probabilities, row.Probabilities[row.Predicted]))
            .ToList();
        var whole = Aggregate(rows);
        var merged = new OutcomeAggregate();
        foreach (var slice in rows.Chunk(250))
            merged.Add(Aggregate(slice));

        var (one, slices) = (MulticlassPerformance.Of(whole.Multiclass, Labels)!, MulticlassPerformance.Of(merged.Multiclass, Labels)!);
        Assert.Equal((one.Rows, one.Accuracy, one.MacroF1, one.LogLossRows), (slices.Rows, slices.Accuracy, slices.MacroF1, slices.LogLossRows));
        Assert.Equal(one.LogLoss!.Value, slices.LogLoss!.Value, 12);
        Assert.Equal(one.ExpectedCalibrationError!.Value, slices.ExpectedCalibrationError!.Value, 12);
        Assert.Equal(one.Classes, slices.Classes);
        Assert.Equal(2000, slices.LogLossRows);
    }

    [Fact]
    public void A_label_never_predicted_has_no_precision_and_one_never_true_no_recall()
    {
        var outcomes = Aggregate([(0, 0, null, 0.9f), (1, 0, null, 0.8f)]);

        var performance = MulticlassPerformance.Of(outcomes.Multiclass, Labels)!;

        Assert.Null(performance.Classes["middle"].Precision);
        Assert.Equal(0, performance.Classes["middle"].Recall);
        Assert.Null(performance.Classes["high"].F1);
        Assert.Null(performance.LogLoss);
        // low: P 1/2, R 1, F1 2/3; middle: F1 0; high (neither true nor predicted) left out of the mean.
        Assert.Equal((2.0 / 3 + 0) / 2, performance.MacroF1!.Value, 12);
    }

    [Fact]
    public void With_calibrated_probabilities_the_estimated_accuracy_matches_what_the_labels_later_show()
    {
        var (estimated, realized) = EstimateAndMeasure(TaskTestData.MulticlassRows(seed: 33, count: 100_000, calibrated: true));

        Assert.Equal(realized, estimated, 2);
    }

    [Fact]
    public void With_overconfident_probabilities_the_estimated_accuracy_and_the_labels_part()
    {
        var (estimated, realized) = EstimateAndMeasure(TaskTestData.MulticlassRows(seed: 34, count: 50_000, calibrated: false));

        Assert.True(estimated - realized > 0.1, $"estimated accuracy {estimated} should exceed the realized {realized} clearly");
    }

    private static (double Estimated, double Realized) EstimateAndMeasure(IReadOnlyList<TaskTestData.MulticlassRow> rows)
    {
        var profile = ReferenceProfile.From(TaskTestData.MulticlassCard(rows));
        var predictions = profile.NewPredictionAggregate();
        foreach (var row in rows)
            profile.AddPrediction(predictions, row.Features, new PredictionOutput(Labels[row.Predicted], row.Probabilities[row.Predicted], null), DateTimeOffset.UnixEpoch, 1);
        var outcomes = Aggregate(rows.Select(row => (row.Truth, row.Predicted, (float[]?)row.Probabilities, row.Probabilities[row.Predicted])));

        // The mean of the predicted label's probability, computed here from the rows.
        var mean = rows.Average(row => (double)row.Probabilities[row.Predicted]);
        var estimated = EstimatedMulticlassPerformance.Of(predictions)!;
        Assert.Equal(mean, estimated.Accuracy!.Value, 9);
        return (estimated.Accuracy.Value, MulticlassPerformance.Of(outcomes.Multiclass, Labels)!.Accuracy!.Value);
    }

    private static OutcomeAggregate Aggregate(IEnumerable<(int Truth, int Predicted, float[]? Probabilities, float Confidence)> rows)
    {
        var outcomes = new OutcomeAggregate();
        foreach (var (truth, predicted, probabilities, confidence) in rows)
            outcomes.AddMulticlass(Labels.Length, truth, predicted, confidence, probabilities?[truth], DateTimeOffset.UnixEpoch);
        return outcomes;
    }

    private static void AssertClass(ClassPerformance label, double precision, double recall, long support, long predicted)
    {
        Assert.Equal(precision, label.Precision!.Value, 12);
        Assert.Equal(recall, label.Recall!.Value, 12);
        Assert.Equal(support, label.Support);
        Assert.Equal(predicted, label.Predicted);
    }
}
