using System.Diagnostics;
using Contracts.Predictions;
using Inference.Runtime;
using MassTransit;
using Modeling.Scoring;
using ServiceDefaults.Metrics;

namespace Inference.Consumers;

/// <summary>
/// Scores the feature vectors FeatureBuilder sends (request/response) with the served version of the model,
/// answers, then publishes the request's predictions as one <see cref="PredictionsMade"/>. The endpoint's
/// outbox sends the answer first and the event after, once the consumer has finished: the event is off the
/// answer's path. Online predictions reach Inference this way, not over HTTP, so each request is also counted
/// in the request metrics (route <c>bus:ScoreRequest</c>; a rejection counts as the 503 the client gets).
/// </summary>
public sealed class ScoreRequestConsumer(ModelSessions sessions, TimeProvider time, InferenceMetrics metrics, RequestMetricsRecorder requests)
    : IConsumer<ScoreRequest>
{
    private const string Route = "bus:" + nameof(ScoreRequest);

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ScoreRequest> context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Message;
        if (sessions.Find(request.ModelName) is not { } model)
        {
            await RespondAsync(context, new ScoreRejected(request.ModelName, request.ModelVersion, ScoreRejectedCodes.ModelNotServed,
                $"This replica does not serve model '{request.ModelName}' (yet)."), started, null);
            return;
        }

        if (model.Version != request.ModelVersion)
        {
            await RespondAsync(context, new ScoreRejected(request.ModelName, request.ModelVersion, ScoreRejectedCodes.VersionNotServed,
                $"This replica serves version {model.Version} of '{request.ModelName}', not {request.ModelVersion}."), started, null);
            return;
        }

        var rows = request.Records.Count;
        if (request.Width != model.Scorer.Width || request.Features.Length != rows * model.Scorer.Width)
        {
            await RespondAsync(context, new ScoreRejected(request.ModelName, request.ModelVersion, ScoreRejectedCodes.InvalidShape,
                $"Expected {rows} records of {model.Scorer.Width} floats; got {request.Features.Length} floats of width {request.Width}."), started, model.Version);
            return;
        }

        var scores = new ModelScore[rows];
        var scoring = Stopwatch.GetTimestamp();
        model.Scorer.Score(request.Features, scores);
        metrics.Scored(model, request.Source, rows, Stopwatch.GetElapsedTime(scoring));
        var predictedAt = time.GetUtcNow();
        var predictions = PredictionEvents.PredictionsOf(model, scores);
        await RespondAsync(context, new ScoreResponse(model.Name, model.Version, predictions, predictedAt), started, model.Version);

        var events = PredictionEvents.Of(model, predictions, request.Features, request.Records, request.Source, request.ReceivedAt, predictedAt);
        await context.Publish(new PredictionsMade(events), context.CancellationToken);
    }

    // Answers are not persisted by the broker: the requester waits for them in memory anyway. The request is
    // counted once answered: the time until then is what the requester waited here.
    private async Task RespondAsync<T>(ConsumeContext<ScoreRequest> context, T answer, long started, string? version) where T : class
    {
        await context.RespondAsync(answer, send => send.Durable = false);
        var status = answer is ScoreRejected ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        requests.Record(InferenceService.Description.Name, Route, context.Message.ModelName, version, status, Stopwatch.GetElapsedTime(started));
    }
}
