using System.Diagnostics;
using Contracts.Predictions;
using Inference.Runtime;
using MassTransit;
using Modeling.Features;
using Modeling.Scoring;
using ServiceDefaults.Metrics;

namespace Inference.Consumers;

/// <summary>
/// Scores the feature vectors FeatureBuilder sends (request/response), each record with the version the model's route
/// picks (<see cref="TrafficRouter"/>: the champion, or a rollout's challenger), answers with the version per record,
/// then hands the request's predictions to <see cref="PredictionPublisher"/>, which publishes them in the background with
/// those of other requests as one <see cref="PredictionsMade"/>; in a shadow rollout the challenger then also scores the
/// request and its predictions are published marked <c>Shadow</c>. All of that happens after the answer was sent.
/// </summary>
/// <remarks>
/// The features were built by the card of <see cref="ScoreRequest.ModelVersion"/>. A version with the same feature spec
/// scores them as they are; one with another spec (a retrained model with a new vocabulary) featurizes the record's raw
/// input itself. A record that cannot be featurized for the picked version is scored by the version it was built for.
/// Online predictions reach Inference this way, not over HTTP, so each request is also counted in the request metrics
/// (route <c>bus:ScoreRequest</c>, once per version that answered; a rejection counts as the 503 the client gets).
/// </remarks>
public sealed class ScoreRequestConsumer(
    ModelSessions sessions, TimeProvider time, Random random, InferenceMetrics metrics, RequestMetricsRecorder requests, PredictionPublisher publisher)
    : IConsumer<ScoreRequest>
{
    private const string Route = "bus:" + nameof(ScoreRequest);

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ScoreRequest> context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Message;
        if (sessions.Route(request.ModelName) is not { } state)
        {
            await RejectAsync(context, ScoreRejectedCodes.ModelNotServed, $"This replica does not serve model '{request.ModelName}' (yet).", started);
            return;
        }

        // The version whose card built the features: serving, or retired a moment ago.
        var builtFor = sessions.Find(request.ModelName, request.ModelVersion);
        var rows = request.Records.Count;
        if (builtFor is null && request.Records.Any(record => record.Input is null))
        {
            await RejectAsync(context, ScoreRejectedCodes.VersionNotServed,
                $"This replica serves version {state.Champion.Version} of '{request.ModelName}', not {request.ModelVersion}.", started);
            return;
        }

        if (request.Features.Length != rows * request.Width || (builtFor is not null && request.Width != builtFor.Scorer.Width))
        {
            await RejectAsync(context, ScoreRejectedCodes.InvalidShape,
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
            await RejectAsync(context, ScoreRejectedCodes.VersionNotServed, reason, started);
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
        await context.RespondAsync(new ScoreResponse(state.Champion.Name, first, predictions, predictedAt), send => send.Durable = false);
        foreach (var group in groups)
            requests.Record(InferenceService.Description.Name, Route, request.ModelName, group.Model.Version, StatusCodes.Status200OK, Stopwatch.GetElapsedTime(started));

        if (TrafficRouter.ShadowsRequest(state, random))
            events.AddRange(Shadow(request, builtFor, state.Challenger!, time.GetUtcNow()));
        await publisher.EnqueueAsync([.. events], context.CancellationToken);
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
        return (PredictionEvents.PredictionsOf(group.Model, scored.Scores), scored.Probabilities);
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

    // Answers are not persisted by the broker: the requester waits for them in memory anyway.
    private async Task RejectAsync(ConsumeContext<ScoreRequest> context, string code, string reason, long started)
    {
        var request = context.Message;
        await context.RespondAsync(new ScoreRejected(request.ModelName, request.ModelVersion, code, reason), send => send.Durable = false);
        requests.Record(InferenceService.Description.Name, Route, request.ModelName, null, StatusCodes.Status503ServiceUnavailable, Stopwatch.GetElapsedTime(started));
    }

    private sealed record VersionRows(LoadedModel Model, List<int> Rows, float[] Features);
}
