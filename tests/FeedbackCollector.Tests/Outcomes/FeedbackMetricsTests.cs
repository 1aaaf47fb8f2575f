using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FeedbackCollector.Tests.Predictions;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>The <c>Platform.FeedbackCollector</c> meter counts what happened to outcomes, as operators read it on <c>/metrics</c>.</summary>
public sealed class FeedbackMetricsTests
{
    private static readonly DateTimeOffset Now = new(2001, 2, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Received_joined_pending_duplicate_and_orphaned_outcomes_are_counted()
    {
        await using var system = await JoiningFixture.StartAsync(Now);
        var factory = system.Services.GetRequiredService<IMeterFactory>();
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        // Only this test's meter: other tests' hosts have meter factories of their own.
        listener.InstrumentPublished = (instrument, meters) =>
        {
            if (instrument.Meter.Name == FeedbackMetrics.MeterName && instrument.Meter.Scope == factory)
                meters.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        listener.Start();
        // The instruments exist from the metrics' creation on.
        _ = system.Joiner;

        var logged = SamplePredictions.Of("UA1", Now.AddHours(-1));
        var late = SamplePredictions.Of("UA2", Now.AddHours(-1));
        await system.ArriveAsync(logged);
        var joined = SampleOutcomes.ForPrediction(logged.PredictionId, receivedAt: Now);
        var waiting = SampleOutcomes.ForPrediction(late.PredictionId, receivedAt: Now);
        var orphan = SampleOutcomes.ForEntity("UA3", receivedAt: Now);
        await system.ReceiveAsync(joined, waiting, orphan, joined);
        await system.ArriveAsync(late);
        await system.Sweep.OrphanAsync(Now.AddDays(8), CancellationToken.None);

        Assert.Equal(3, totals.GetValueOrDefault("platform.feedback.outcomes.received"));
        Assert.Equal(1, totals.GetValueOrDefault("platform.feedback.outcomes.duplicates"));
        Assert.Equal(2, totals.GetValueOrDefault("platform.feedback.outcomes.pending"));
        Assert.Equal(2, totals.GetValueOrDefault("platform.feedback.outcomes.joined"));
        Assert.Equal(1, totals.GetValueOrDefault("platform.feedback.outcomes.orphaned"));
        Assert.Equal(2, totals.GetValueOrDefault("platform.feedback.outcome_recorded.published"));
    }
}
