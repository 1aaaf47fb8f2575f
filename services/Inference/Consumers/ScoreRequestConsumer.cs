using Contracts.Predictions;
using Inference.Runtime;
using MassTransit;
using Modeling.Scoring;

namespace Inference.Consumers;

/// <summary>
/// Scores the feature vectors FeatureBuilder sends (request/response) with the served version of the model,
/// answers, then publishes the request's predictions as one <see cref="PredictionsMade"/>. The endpoint's
/// outbox sends the answer first and the event after, once the consumer has finished: the event is off the
/// answer's path.
/// </summary>
public sealed class ScoreRequestConsumer(ModelSessions sessions, TimeProvider time) : IConsumer<ScoreRequest>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ScoreRequest> context)
    {
        var request = context.Message;
        if (sessions.Find(request.ModelName) is not { } model)
        {
            await RespondAsync(context, new ScoreRejected(request.ModelName, request.ModelVersion, ScoreRejectedCodes.ModelNotServed,
                $"This replica does not serve model '{request.ModelName}' (yet)."));
            return;
        }

        if (model.Version != request.ModelVersion)
        {
            await RespondAsync(context, new ScoreRejected(request.ModelName, request.ModelVersion, ScoreRejectedCodes.VersionNotServed,
                $"This replica serves version {model.Version} of '{request.ModelName}', not {request.ModelVersion}."));
            return;
        }

        var rows = request.Records.Count;
        if (request.Width != model.Scorer.Width || request.Features.Length != rows * model.Scorer.Width)
        {
            await RespondAsync(context, new ScoreRejected(request.ModelName, request.ModelVersion, ScoreRejectedCodes.InvalidShape,
                $"Expected {rows} records of {model.Scorer.Width} floats; got {request.Features.Length} floats of width {request.Width}."));
            return;
        }

        var scores = new ModelScore[rows];
        model.Scorer.Score(request.Features, scores);
        var predictedAt = time.GetUtcNow();
        var predictions = PredictionEvents.PredictionsOf(model, scores);
        await RespondAsync(context, new ScoreResponse(model.Name, model.Version, predictions, predictedAt));

        var events = PredictionEvents.Of(model, predictions, request.Features, request.Records, request.Source, request.ReceivedAt, predictedAt);
        await context.Publish(new PredictionsMade(events), context.CancellationToken);
    }

    // Answers are not persisted by the broker: the requester waits for them in memory anyway.
    private static Task RespondAsync<T>(ConsumeContext context, T answer) where T : class =>
        context.RespondAsync(answer, send => send.Durable = false);
}
