using Contracts.Predictions;
using FeatureBuilder.Models;
using Microsoft.Extensions.Options;
using ServiceDefaults.Batching;
using ServiceDefaults.Scoring;

namespace FeatureBuilder.Online;

/// <summary>
/// Asks Inference (<see cref="IScoreRequests"/>: in this process, or over the bus) to score featurized records with the
/// version they were built for. Concurrent requests
/// for the same version and source go as one <see cref="ScoreRequest"/> (<see cref="AdaptiveBatcher{TKey, TRequest, TAnswer}"/>:
/// one hop, one ONNX Runtime call and one prediction event for the batch); each caller gets its own records' predictions.
/// </summary>
public sealed class OnlinePredictor
{
    private readonly IScoreRequests _inference;
    private readonly FeatureBuilderMetrics _metrics;
    private readonly AdaptiveBatcher<(string Model, string Version, string Source), OnlineRecords, ScoreOutcome> _batches;

    /// <summary>The predictor; at most <c>FeatureBuilder:BatchMaxInFlight</c> requests per version and source wait for Inference at once.</summary>
    public OnlinePredictor(IScoreRequests inference, IOptions<FeatureBuilderOptions> options, FeatureBuilderMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_inference, _metrics) = (inference, metrics);
        var settings = options.Value;
        _batches = new AdaptiveBatcher<(string, string, string), OnlineRecords, ScoreOutcome>(
            "score online batch", (_, batch) => ScoreBatchAsync(batch), request => request.Records.Valid.Length,
            settings.BatchMaxRows, settings.BatchMaxWait, settings.BatchMaxInFlight);
    }

    /// <summary>Inference's answer, or why there is none (rejected, timed out, broker unreachable).</summary>
    /// <param name="card">The served version the records were featurized by.</param>
    /// <param name="records">The featurized records.</param>
    /// <param name="source">Where they came from: <see cref="PredictionSources.Online"/> or <see cref="PredictionSources.Event"/>.</param>
    /// <param name="receivedAt">When the platform received them.</param>
    /// <param name="credential">The credential the records' online request came with (forwarded on the direct hop); null for the event path.</param>
    /// <param name="cancellationToken">Stops waiting (the records are still scored with their batch).</param>
    public Task<ScoreOutcome> ScoreAsync(
        ServedCard card, FeaturizedRecords records, string source, DateTimeOffset receivedAt, CallerCredential? credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(records);
        return _batches.SubmitAsync((card.Card.Name, card.Card.Version, source), new OnlineRecords(card, records, source, receivedAt, credential), cancellationToken);
    }

    // One request to Inference with every record of the batch (each with its own request's time of arrival), and each
    // caller's share of the answer; a rejection, a timeout or an unreachable broker is every caller's answer. No caller's
    // cancellation stops it: the others wait for the same answer. It goes with the first credential of its callers (each
    // of them was checked for the predict scope already).
    private async Task<IReadOnlyList<ScoreOutcome>> ScoreBatchAsync(IReadOnlyList<OnlineRecords> batch)
    {
        var first = batch[0];
        var card = first.Card;
        var request = batch.Count == 1
            ? new ScoreRequest(card.Card.Name, card.Card.Version, card.Featurizer.Width, first.Records.Features, first.Records.Valid, first.Source, first.ReceivedAt)
            : new ScoreRequest(
                card.Card.Name, card.Card.Version, card.Featurizer.Width,
                [.. batch.SelectMany(part => part.Records.Features)],
                [.. batch.SelectMany(part => part.Records.Valid.Select(record => record with { ReceivedAt = part.ReceivedAt }))],
                first.Source, first.ReceivedAt);
        _metrics.Batched(card.Card.Name, first.Source, batch.Count);
        var credential = batch.Select(part => part.Credential).FirstOrDefault(given => given is not null);
        var outcome = await _inference.ScoreAsync(request, credential, CancellationToken.None);
        if (outcome.Scored is not { } scored || batch.Count == 1)
            return [.. batch.Select(_ => outcome)];

        var answers = new ScoreOutcome[batch.Count];
        var at = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var rows = batch[i].Records.Valid.Length;
            var predictions = scored.Predictions.Skip(at).Take(rows).ToList();
            answers[i] = new ScoreOutcome(scored with { ModelVersion = predictions[0].ModelVersion ?? scored.ModelVersion, Predictions = predictions }, null);
            at += rows;
        }

        return answers;
    }
}

/// <summary>One caller's records for a batch: the version that featurized them, the records, their source and time of arrival.</summary>
/// <param name="Card">The served version.</param>
/// <param name="Records">The featurized records.</param>
/// <param name="Source">Where they came from.</param>
/// <param name="ReceivedAt">When the platform received them.</param>
/// <param name="Credential">The credential their online request came with, or null.</param>
internal sealed record OnlineRecords(ServedCard Card, FeaturizedRecords Records, string Source, DateTimeOffset ReceivedAt, CallerCredential? Credential);
