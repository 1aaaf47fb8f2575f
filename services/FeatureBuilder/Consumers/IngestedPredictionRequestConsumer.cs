using System.Net.Mime;
using Contracts.Predictions;
using FeatureBuilder.Ingest;
using FeatureBuilder.Models;
using FeatureBuilder.Online;
using MassTransit;
using Microsoft.Extensions.Options;
using ServiceDefaults;

namespace FeatureBuilder.Consumers;

/// <summary>
/// Answers a prediction request another system published on <c>platform.ingest</c> (plain JSON or a
/// CloudEvent, no MassTransit envelope): validates and featurizes the record like the online API, has
/// Inference score it, and publishes the prediction on <c>platform.events</c> with routing key
/// <c>prediction.made.{model}</c>, in the form the request came in. An invalid request goes to the error queue
/// at once with the reason; Inference not answering is retried, then also ends in the error queue, from where
/// <c>scripts/requeue-errors.sh</c> moves it back.
/// </summary>
public sealed class IngestedPredictionRequestConsumer(
    ServedCards cards, OnlinePredictor predictor, FeatureBuilderMetrics metrics, IOptions<FeatureBuilderOptions> options, TimeProvider time)
    : IConsumer<IngestedPredictionRequest>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<IngestedPredictionRequest> context)
    {
        var receivedAt = time.GetUtcNow();
        var request = IngestedPrediction.Read(context.Message, out var problem);
        if (problem is not null)
            throw new InvalidMessageException(problem);

        if (cards.Find(request.Model) is not { } card)
        {
            if (!cards.HasSynced)
                throw new InvalidOperationException("FeatureBuilder does not know the served models yet; the request is retried.");
            throw new InvalidMessageException(
                $"model '{request.Model}' is not served; served models: {string.Join(", ", cards.All.Select(served => served.Card.Name).Order(StringComparer.Ordinal))}.");
        }

        var records = FeaturizedRecords.Of(card, [request.Record], options.Value.EntityKeyField);
        if (records.Errors[0] is { } errors)
        {
            metrics.InvalidRecords(card.Card.Name, PredictionSources.Event, 1);
            throw new InvalidMessageException("record is invalid: " + string.Join("; ", errors.Select(error => $"{error.Field}: {error.Message} ({error.Code})")));
        }

        // The request's own entity key and correlation id, not fields of the record, identify the prediction.
        records.Valid[0] = records.Valid[0] with { EntityKey = request.EntityKey ?? records.Valid[0].EntityKey, CorrelationId = request.CorrelationId };

        // Another system's request on the broker carries no credential: it is scored over the bus (or in process).
        var outcome = await predictor.ScoreAsync(card, records, PredictionSources.Event, receivedAt, credential: null, context.CancellationToken);
        if (outcome.Scored is not { } scored)
            throw new InvalidOperationException(outcome.Unavailable);

        var prediction = scored.Predictions[0];
        var message = new PredictionMadeMessage(
            prediction.PredictionId, request.CorrelationId, records.Valid[0].EntityKey, scored.ModelName, prediction.ModelVersion ?? scored.ModelVersion,
            prediction.Label, prediction.Probability, prediction.Value, receivedAt, scored.ScoredAt);
        var routingKey = IngestTopology.PredictionMadeKeyPrefix + scored.ModelName;
        if (request.IsCloudEvent)
        {
            var cloudEvent = new PredictionMadeCloudEvent(
                "1.0", IngestTopology.PredictionMadeType, IngestTopology.Source, prediction.PredictionId.ToString(), scored.ScoredAt,
                scored.ModelName, MediaTypeNames.Application.Json, request.CorrelationId, message);
            await PublicEvents.SendAsync(context, cloudEvent, routingKey, IngestTopology.CloudEventsContentType, context.CancellationToken);
        }
        else
        {
            await PublicEvents.SendJsonAsync(context, message, routingKey, context.CancellationToken);
        }
    }
}
