using Monitor.Performance;
using Monitor.References;
using Monitor.Windows;

namespace Monitor.Tests.Windows;

/// <summary>
/// A time bucket as Monitor stored it before aggregates kept their column keys and the multiclass and regression parts
/// (<c>Data/bucket-before-task-metrics.json</c>: written by that version for four predictions and their outcomes of the
/// binary test model) reads back and counts as it did.
/// </summary>
public sealed class StoredBucketTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_bucket_stored_before_the_task_metrics_reads_back_and_restores_into_the_windows_as_it_was()
    {
        var content = BucketContent.FromJson(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Windows", "Data", "bucket-before-task-metrics.json")));
        Assert.Null(content.Predictions.ColumnKeys);
        Assert.Null(content.Outcomes.Multiclass);
        Assert.Null(content.Outcomes.Regression);

        // The card it was written for: the same seeded training rows.
        var profile = ReferenceProfile.From(MonitorTestData.Card(MonitorTestData.Rows(seed: 21, count: 2000, shift: false)));
        var windows = new VersionWindows(profile, new MonitoringOptions(), Start.AddSeconds(30));
        windows.Restore(new TimeBucket(Start, TimeSpan.FromMinutes(1), content.Predictions, content.Outcomes));
        var window = windows.TimeWindow();

        Assert.Equal(4, window.Predictions.Rows);
        // Four predictions in every column (origin: ORD, DFW, ATL and one the training never had): the old columns are the card's.
        Assert.Equal([1L, 1, 1, 1], window.Predictions.Columns[0]);
        Assert.Equal([4L, 4, 4], window.Predictions.Columns.Select(column => column.Sum()));
        // Outcomes: probabilities 0.9, 0.2, 0.55, 0.05 and truths late, on time, on time, late: right twice, and the
        // log loss of those four.
        var realized = RealizedPerformance.Of(window.Outcomes)!;
        Assert.Equal(4, realized.Rows);
        Assert.Equal(0.5, realized.Accuracy!.Value, 12);
        Assert.Equal(-(Math.Log(0.9f) + Math.Log(1 - 0.2f) + Math.Log(1 - 0.55f) + Math.Log(0.05f)) / 4, realized.LogLoss!.Value, 6);
        Assert.Equal(["origin=ORD", "origin=DFW", "origin=ATL", "origin=<unknown>"], window.Outcomes.Segments.Keys);
        // Estimated: the predicted positives 0.9 and 0.55 are right with those probabilities, the negatives 0.2 and 0.05 with 0.8 and 0.95.
        Assert.Equal((0.9 + 0.55 + 0.8 + 0.95) / 4, EstimatedPerformance.Of(window.Predictions)!.Accuracy!.Value, 6);
    }
}
