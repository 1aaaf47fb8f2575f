using System.Diagnostics;
using Contracts.Predictions;
using Modeling.Features;
using Modeling.Scoring;
using ServiceDefaults.Metrics;
using ServiceDefaults.Scoring;

namespace Inference.Runtime;

/// <summary>
/// Scores the feature vectors FeatureBuilder built (a <see cref="ScoreRequest"/>), each record with the version the model's
/// route picks (<see cref="TrafficRouter"/>: the champion, or a rollout's challenger), answers with the version per record,
/// then hands the request's predictions to <see cref="PredictionPublisher"/>, which publishes them in the background with
/// those of other requests as one <see cref="PredictionsMade"/>; in a shadow rollout the challenger then also scores the
/// request and its predictions are published marked <c>Shadow</c>. All of that happens after the answer is given.
/// The embedded host's FeatureBuilder calls it directly (<see cref="IScoreRequests"/>); the replicas of the distributed
/// mode call it from the bus (<c>Consumers/ScoreRequestConsumer</c>).
/// </summary>
/// <remarks>
/// The features were built by the card of <see cref="ScoreRequest.ModelVersion"/>. A version with the same feature spec
/// scores them as they are; one with another spec (a retrained model with a new vocabulary) featurizes the record's raw
/// input itself. A record that cannot be featurized for the picked version is scored by the version it was built for.
/// Online predictions reach Inference this way, not over HTTP, so each request is also counted in the request metrics
/// (route <see cref="IScoreRequests.Route"/>, once per version that answered; a rejection counts as the 503 the client gets).
/// </remarks>
public sealed class OnlineScoring(
    ModelSessions sessions, TimeProvider time, Random random, InferenceMetrics metrics, RequestMetricsRecorder requests, PredictionPublisher publisher)
    : IScoreRequests
{
    /// <summary>
    /// Scores the request and gives <paramref name="respond"/> the predictions or why there are none; then counts the request
    /// and queues its prediction events (and, in a shadow rollout, scores it with the challenger), so the answer waits for
    /// none of that.
    /// </summary>
    public async Task ScoreRequestAsync(ScoreRequest request, Func<ScoreAnswer, Task> respond, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(respond);
        var started = Stopwatch.GetTimestamp();
        if (sessions.Route(request.ModelName) is not { } state)
        {
            await RejectAsync(request, respond, ScoreRejectedCodes.ModelNotServed, $"This replica does not serve model '{request.ModelName}' (yet).", started);
            return;
        }

        // The version whose card built the features: serving, or retired a moment ago.
        var builtFor = sessions.Find(request.ModelName, request.ModelVersion);
        var rows = request.Records.Count;
        if (builtFor is null && request.Records.Any(record => record.Input is null))
        {
            await RejectAsync(request, respond, ScoreRejectedCodes.VersionNotServed,
                $"This replica serves version {state.Champion.Version} of '{request.ModelName}', not {request.ModelVersion}.", started);
            return;
        }

        if (request.Features.Length != rows * request.Width || (builtFor is not null && request.Width != builtFor.Scorer.Width))
        {
            await RejectAsync(request, respond, ScoreRejectedCodes.InvalidShape,
                $"Expected {rows} records of {builtFor?.Scorer.Width ?? request.Width} floats; got {request.Features.Length} floats of width {request.Width}.", started);
            return;
        }

        var ids = new Guid[rows];
        var chosen = new LoadedModel[rows];
        for (var row = 0; row < rows; row++)
        {
            ids[row] = Guid.CreateVersion7();
            chosen[row] = TrafficRouter.Choose(state, request.Records[row].EntityKey, ids[row], random);
        }

        var (groups, failed) = Featurize(request, builtFor, chosen);
        if (failed is { } reason)
        {
            await RejectAsync(request, respond, ScoreRejectedCodes.VersionNotServed, reason, started);
            return;
        }

        var predictedAt = time.GetUtcNow();
        var predictions = new Prediction[rows];
        var events = new List<PredictionMade>(rows);
        foreach (var group in groups)
        {
            var (scored, probabilities) = Score(group, request.Source);
            for (var i = 0; i < group.Rows.Count; i++)
                predictions[group.Rows[i]] = scored[i] with { PredictionId = ids[group.Rows[i]], ModelVersion = group.Model.Version };
            var groupPredictions = group.Rows.Select(row => predictions[row]).ToList();
            var groupRecords = group.Rows.Select(row => request.Records[row]).ToList();
            events.AddRange(PredictionEvents.Of(group.Model, groupPredictions, group.Features, probabilities, groupRecords, request.Source, request.ReceivedAt, predictedAt));
        }

        var first = predictions.Length > 0 ? predictions[0].ModelVersion! : state.Champion.Version;
        await respond(new ScoreAnswer(new ScoreResponse(state.Champion.Name, first, predictions, predictedAt), null));
        foreach (var group in groups)
            requests.Record(InferenceService.Description.Name, IScoreRequests.Route, request.ModelName, group.Model.Version, StatusCodes.Status200OK, Stopwatch.GetElapsedTime(started));

        if (TrafficRouter.ShadowsRequest(state, random))
            events.AddRange(Shadow(request, builtFor, state.Challenger!, time.GetUtcNow()));
        await publisher.EnqueueAsync([.. events], cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// In this process the caller's await also covers what follows the answer (a shadow rollout's scoring included). The
    /// credential is not needed: this process checked it already.
    /// </remarks>
    public async Task<ScoreOutcome> ScoreAsync(ScoreRequest request, CallerCredential? credential, CancellationToken cancellationToken)
    {
        ScoreOutcome? outcome = null;
        await ScoreRequestAsync(request, answer =>
        {
            outcome = answer.Scored is { } scored ? new ScoreOutcome(scored, null) : ScoreOutcome.Of(answer.Rejected!);
            return Task.CompletedTask;
        }, cancellationToken);
        return outcome!;
    }

    // The challenger of a shadow rollout scores the whole request; the caller never sees these predictions.
    private List<PredictionMade> Shadow(ScoreRequest request, LoadedModel? builtFor, LoadedModel challenger, DateTimeOffset receivedAt)
    {
        var everyRow = Enumerable.Repeat(challenger, request.Records.Count).ToArray();
        var (groups, failed) = Featurize(request, builtFor, everyRow);
        if (failed is not null)
            return [];
        var predictedAt = time.GetUtcNow();
        var events = new List<PredictionMade>();
        foreach (var group in groups.Where(group => group.Model == challenger))
        {
            var (predictions, probabilities) = Score(group, request.Source);
            var records = group.Rows.Select(row => request.Records[row]).ToList();
            events.AddRange(PredictionEvents.Of(group.Model, predictions, group.Features, probabilities, records, request.Source, receivedAt, predictedAt)
                .Select(prediction => prediction with { Shadow = true }));
        }

        return events;
    }

    // The group's predictions, and (multiclass) every label's probability per row for the events.
    private (Prediction[] Predictions, float[] Probabilities) Score(VersionRows group, string source)
    {
        var scoring = Stopwatch.GetTimestamp();
        var scored = PredictionEvents.Score(group.Model, group.Features);
        metrics.Scored(group.Model, source, group.Rows.Count, Stopwatch.GetElapsedTime(scoring));
        return (PredictionEvents.PredictionsOf(group.Model, scored.Scores, scored.Probabilities), scored.Probabilities);
    }

    // The rows of each version with their features: as sent when the version's spec is the one they were built with,
    // else featurized from the raw input; a row that cannot be goes to the version it was built for.
    private static (List<VersionRows> Groups, string? Failed) Featurize(ScoreRequest request, LoadedModel? builtFor, LoadedModel[] chosen)
    {
        // Every row to the version the features were built for (no rollout, or none picked its challenger): as sent.
        if (builtFor is not null && Array.TrueForAll(chosen, model => model == builtFor))
            return ([new VersionRows(builtFor, [.. Enumerable.Range(0, chosen.Length)], request.Features)], null);

        var groups = new Dictionary<LoadedModel, (List<int> Rows, List<float> Features)>();
        for (var row = 0; row < chosen.Length; row++)
        {
            var model = chosen[row];
            var width = model.Scorer.Width;
            var features = new float[width];
            if (builtFor is not null && model.FeatureKey == builtFor.FeatureKey)
            {
                request.Features.AsSpan(row * request.Width, request.Width).CopyTo(features);
            }
            else if (request.Records[row].Input is { } input && model.Featurizer.Featurize(new JsonRecord(input), features).IsValid)
            {
                // Featurized for this version.
            }
            else if (builtFor is not null)
            {
                model = builtFor;
                features = request.Features.AsSpan(row * request.Width, request.Width).ToArray();
            }
            else
            {
                return ([], $"Record {row} cannot be featurized for version {model.Version}, and version {request.ModelVersion} it was built for is not served here.");
            }

            if (!groups.TryGetValue(model, out var group))
                groups[model] = group = ([], []);
            group.Rows.Add(row);
            group.Features.AddRange(features);
        }

        return ([.. groups.Select(group => new VersionRows(group.Key, group.Value.Rows, [.. group.Value.Features]))], null);
    }

    private async Task RejectAsync(ScoreRequest request, Func<ScoreAnswer, Task> respond, string code, string reason, long started)
    {
        await respond(new ScoreAnswer(null, new ScoreRejected(request.ModelName, request.ModelVersion, code, reason)));
        requests.Record(InferenceService.Description.Name, IScoreRequests.Route, request.ModelName, null, StatusCodes.Status503ServiceUnavailable, Stopwatch.GetElapsedTime(started));
    }

    private sealed record VersionRows(LoadedModel Model, List<int> Rows, float[] Features);
}

/// <summary>What <see cref="OnlineScoring"/> answers: the scores, or Inference's refusal.</summary>
/// <param name="Scored">The scores, one per record.</param>
/// <param name="Rejected">Why nothing was scored.</param>
public sealed record ScoreAnswer(ScoreResponse? Scored, ScoreRejected? Rejected);
