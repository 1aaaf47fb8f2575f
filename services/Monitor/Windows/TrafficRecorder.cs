using Contracts.Batches;
using Contracts.Outcomes;
using Contracts.Predictions;
using Monitor.Alerts;
using System.Collections.Concurrent;
using Monitor.References;
using ServiceDefaults.ServedModels;

namespace Monitor.Windows;

/// <summary>
/// Counts predictions (online, event, tensor and batch) and outcomes into their version's windows, at most
/// once each, and has the alert rules judge a count window each time a tenth of it has arrived.
/// </summary>
public sealed partial class TrafficRecorder(
    MonitoredVersions versions,
    ServedModelsSync servedModels,
    AlertEvaluator alerts,
    MonitorMetrics metrics,
    TimeProvider time,
    ILogger<TrafficRecorder> logger)
{
    /// <summary>How long after asking the registry for an unknown version's card its events wait for it.</summary>
    public static readonly TimeSpan UnknownVersionWait = TimeSpan.FromSeconds(10);

    private readonly RecentKeys<Guid> _predictions = new(500_000);
    private readonly RecentKeys<(Guid Batch, int Chunk)> _chunks = new(100_000);
    private readonly RecentKeys<(Guid Outcome, Guid Prediction)> _outcomes = new(500_000);
    private readonly ConcurrentDictionary<(string Model, string Version), DateTimeOffset> _refreshes = new();

    /// <summary>Counts the predictions of one request.</summary>
    public async Task RecordAsync(IEnumerable<PredictionMade> predictions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var now = time.GetUtcNow();
        List<VersionWindows>? due = null;
        foreach (var prediction in predictions)
        {
            if (!_predictions.Add(prediction.PredictionId))
                continue;
            var windows = await WindowsOfAsync(prediction.ModelName, prediction.ModelVersion, cancellationToken);
            if (windows is null)
                continue;
            var latency = (prediction.PredictedAt - prediction.ReceivedAt).TotalMilliseconds;
            var output = new PredictionOutput(prediction.Label, prediction.Probability, prediction.Value);
            bool sliceClosed;
            LiveReference? completed;
            lock (windows)
            {
                sliceClosed = windows.AddPrediction(prediction.Features, output, prediction.ReceivedAt, latency, now);
                completed = Collect(windows, prediction.Features, output);
            }

            metrics.PredictionCounted(prediction.ModelName, prediction.ModelVersion, prediction.Source);
            if (completed is not null)
                await versions.AdoptLiveReferenceAsync(windows, completed.Build(), cancellationToken);
            if (sliceClosed && !(due ??= []).Contains(windows))
                due.Add(windows);
        }

        await EvaluateAsync(due, WindowKind.Count, outcomes: false, cancellationToken);
    }

    /// <summary>Counts the rows of one scored batch chunk.</summary>
    public async Task RecordAsync(BatchChunkScored chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (!_chunks.Add((chunk.BatchId, chunk.ChunkIndex)))
            return;
        var windows = await WindowsOfAsync(chunk.ModelName, chunk.ModelVersion, cancellationToken);
        if (windows is null || chunk.Width <= 0)
            return;
        var now = time.GetUtcNow();
        var rows = chunk.RowNumbers.Length;
        var sliceClosed = false;
        LiveReference? completed = null;
        lock (windows)
        {
            for (var row = 0; row < rows; row++)
            {
                var features = chunk.Features.AsSpan(row * chunk.Width, chunk.Width);
                var output = new PredictionOutput(chunk.Labels?[row], chunk.Probabilities?[row], chunk.Values?[row]);
                // A batch row's latency is the batch's queueing, not a request's: it is left out of the latency figures.
                sliceClosed |= windows.AddPrediction(features, output, chunk.ReceivedAt, latencyMilliseconds: -1, now);
                completed ??= Collect(windows, features, output);
            }
        }

        metrics.PredictionsCounted(chunk.ModelName, chunk.ModelVersion, PredictionSources.Batch, rows);
        if (completed is not null)
            await versions.AdoptLiveReferenceAsync(windows, completed.Build(), cancellationToken);
        await EvaluateAsync(sliceClosed ? [windows] : null, WindowKind.Count, outcomes: false, cancellationToken);
    }

    /// <summary>
    /// Counts one outcome, read by the version's card (<see cref="ReferenceProfile.Observe"/>); one it cannot read (a binary
    /// one without a probability, an actual value that is not the card's) is counted as unusable.
    /// </summary>
    public async Task RecordAsync(OutcomeRecorded outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!_outcomes.Add((outcome.OutcomeId, outcome.PredictionId)))
            return;
        var windows = await WindowsOfAsync(outcome.ModelName, outcome.ModelVersion, cancellationToken);
        if (windows is null)
            return;
        if (windows.Profile.Observe(outcome) is not { } observed)
        {
            metrics.OutcomeUnusable(outcome.ModelName, outcome.ModelVersion);
            LogUnusableOutcome(logger, outcome.OutcomeId, outcome.ModelName, outcome.ModelVersion);
            return;
        }

        bool sliceClosed;
        lock (windows)
            sliceClosed = windows.AddOutcome(outcome.Features, observed, time.GetUtcNow());
        metrics.OutcomeCounted(outcome.ModelName, outcome.ModelVersion);
        await EvaluateAsync(sliceClosed ? [windows] : null, WindowKind.Count, outcomes: true, cancellationToken);
    }

    // Under the windows' lock: the prediction goes into the live reference being collected, if any; returns it when this one completed it.
    private static LiveReference? Collect(VersionWindows windows, ReadOnlySpan<float> features, PredictionOutput output) =>
        windows.CollectingReference is { } collecting && collecting.Add(features, output) ? collecting : null;

    private async Task EvaluateAsync(List<VersionWindows>? due, WindowKind window, bool outcomes, CancellationToken cancellationToken)
    {
        foreach (var windows in due ?? [])
            await alerts.EvaluateAsync(windows, window, outcomes ? AlertEvaluator.Side.Outcomes : AlertEvaluator.Side.Predictions, cancellationToken);
    }

    // The card of a version registered a moment ago may not have reached Monitor yet: wait for the first sync; for a
    // version still unknown, ask the registry again (at most once a minute per version) and hold its events up to
    // UnknownVersionWait after the ask for the card to arrive (a model used the moment it is registered loses nothing);
    // events after that, until the next ask, are counted as unmonitored rather than held up.
    private async Task<VersionWindows?> WindowsOfAsync(string model, string version, CancellationToken cancellationToken)
    {
        if (versions.Windows(model, version) is { } windows)
            return windows;
        await versions.WaitUntilSyncedAsync(TimeSpan.FromSeconds(60), cancellationToken);
        if (versions.Windows(model, version) is { } synced)
            return synced;
        var now = time.GetUtcNow();
        if (!_refreshes.TryGetValue((model, version), out var asked) || now - asked > TimeSpan.FromMinutes(1))
        {
            _refreshes[(model, version)] = asked = now;
            servedModels.RequestRefresh();
            LogUnknownVersion(logger, model, version, UnknownVersionWait.TotalSeconds);
        }

        var left = asked + UnknownVersionWait - now;
        if (left > TimeSpan.Zero && await versions.WaitUntilWatchedAsync(model, version, left, cancellationToken)
            && versions.Windows(model, version) is { } arrived)
            return arrived;
        metrics.Unprofiled(model, version);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No model card for {Model} version {Version}: asked the registry again; its traffic waits up to {Seconds} s for the card, then is counted as unmonitored until it arrives")]
    private static partial void LogUnknownVersion(ILogger logger, string model, string version, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outcome {OutcomeId} of {Model} version {Version} lacks what its task needs (a probability, a predicted label or value) or its actual value is not one the card reads; not counted")]
    private static partial void LogUnusableOutcome(ILogger logger, Guid outcomeId, string model, string version);
}
