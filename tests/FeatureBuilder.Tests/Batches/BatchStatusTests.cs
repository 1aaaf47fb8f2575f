using FeatureBuilder.Batches;
using Modeling.Records;

namespace FeatureBuilder.Tests.Batches;

/// <summary>The status shows the scoring rate since the start and the time left at that rate.</summary>
public sealed class BatchStatusTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_running_batch_shows_its_rate_and_the_time_left_for_the_rows_not_scored_yet()
    {
        var batch = Batch.Submitted(Guid.CreateVersion7(), "flight-delay", "1", "{}", RecordFormat.Parquet, "f.parquet", "/f.parquet", false, Start) with
        {
            State = BatchState.Running, StartedAt = Start, RowsRead = 60_000, RowsInvalid = 1_000, RowsScored = 40_000, EstimatedRows = 101_000,
        };

        var status = BatchStatus.Of(batch, Start.AddSeconds(4));

        Assert.Equal(10_000, status.RowsPerSecond);
        Assert.Equal(6, status.EstimatedSecondsLeft);
        Assert.Equal("running", status.State);
        Assert.Equal($"/api/v1/models/flight-delay/batches/{batch.Id}/results", status.Links.Results);
    }

    [Fact]
    public void A_queued_batch_has_no_rate_and_a_finished_one_nothing_left()
    {
        var queued = Batch.Submitted(Guid.CreateVersion7(), "flight-delay", "1", "{}", RecordFormat.Csv, "f.csv", "/f.csv", true, Start);
        var completed = queued with { State = BatchState.Completed, StartedAt = Start, FinishedAt = Start.AddSeconds(2), RowsScored = 500 };

        Assert.Null(BatchStatus.Of(queued, Start.AddSeconds(1)).RowsPerSecond);
        Assert.Null(BatchStatus.Of(queued, Start.AddSeconds(1)).EstimatedSecondsLeft);
        Assert.Equal(250, BatchStatus.Of(completed, Start.AddMinutes(5)).RowsPerSecond);
        Assert.Equal(0, BatchStatus.Of(completed, Start.AddMinutes(5)).EstimatedSecondsLeft);
    }
}
