using System.Text.Json;
using ServiceDefaults.Scoring;
using Contracts.Predictions;
using FeatureBuilder.Models;
using FeatureBuilder.Online;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ServiceDefaults.Metrics;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace FeatureBuilder.Endpoints;

/// <summary>
/// <c>POST /api/v1/models/{model}/predict</c>: one raw record (a JSON object) or an array of them, validated
/// and featurized by the served version's card and scored by Inference over the bus.
/// </summary>
public static class PredictEndpoints
{
    /// <summary>Maps the predict endpoint.</summary>
    public static IEndpointRouteBuilder MapPredictEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/models/{model}/predict", PredictAsync).RequireScope(Scopes.Predict).RequireRateLimiting(RateLimitKinds.Predictions)
            .WithTags("Predictions")
            .WithSummary("Predicts for one record (a JSON object) or an array of records.")
            .Accepts<JsonElement>("application/json")
            .Produces<PredictionResult>()
            .Produces<PredictionsResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<PredictionResult>, Ok<PredictionsResult>, ProblemHttpResult>> PredictAsync(
        string model,
        HttpRequest request,
        ServedCards cards,
        OnlinePredictor predictor,
        FeatureBuilderMetrics metrics,
        IOptions<FeatureBuilderOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var settings = options.Value;
        if (cards.Find(model) is not { } card)
            return OnlineProblems.UnknownModel(model, cards, settings, request.HttpContext);
        request.HttpContext.ReportModelVersion(card.Card.Version);
        if (request.ContentType is { } contentType && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem($"The body must be JSON (application/json), not {contentType}.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException exception)
        {
            return OnlineProblems.BadRequest($"The body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}).");
        }

        using (document)
        {
            var root = document.RootElement;
            var isArray = root.ValueKind == JsonValueKind.Array;
            if (!isArray && root.ValueKind != JsonValueKind.Object)
                return OnlineProblems.BadRequest("The body must be a record (a JSON object) or an array of records.");
            var count = isArray ? root.GetArrayLength() : 1;
            if (count == 0)
                return OnlineProblems.BadRequest("The array holds no records.");
            if (count > settings.MaxRecordsPerRequest)
                return OnlineProblems.TooManyRecords(count, settings.MaxRecordsPerRequest);

            var records = FeaturizedRecords.Of(card, isArray ? [.. root.EnumerateArray()] : [root], settings.EntityKeyField);
            metrics.InvalidRecords(model, PredictionSources.Online, records.Count - records.Valid.Length);
            if (records.Valid.Length == 0)
                return OnlineProblems.Invalid(records.Errors, isArray);

            var outcome = await predictor.ScoreAsync(card, records, PredictionSources.Online, receivedAt, CallerCredential.Of(request), cancellationToken);
            if (outcome.Scored is not { } scored)
                return OnlineProblems.Unavailable("Inference is unavailable", outcome.Unavailable!, settings, request.HttpContext);

            if (!isArray)
            {
                var prediction = scored.Predictions[0];
                return TypedResults.Ok(new PredictionResult(
                    prediction.PredictionId, scored.ModelName, prediction.ModelVersion ?? scored.ModelVersion, prediction.Label, prediction.Probability, prediction.Value, records.Valid[0].EntityKey,
                    PredictionResult.ByLabel(prediction.Probabilities, card.Card.Output.Labels)));
            }

            return TypedResults.Ok(ResultsOf(records, scored, card.Card));
        }
    }

    // A rollout's challenger has its champion's labels (docs/retraining.md): the served card names them for every version.
    private static PredictionsResult ResultsOf(FeaturizedRecords records, Contracts.Predictions.ScoreResponse scored, Modeling.Cards.ModelCard champion)
    {
        var results = new RecordResult[records.Count];
        for (var index = 0; index < records.Count; index++)
        {
            if (records.Errors[index] is { } errors)
                results[index] = new RecordResult(index, null, null, null, null, null, errors);
        }

        for (var row = 0; row < records.ValidIndexes.Length; row++)
        {
            var prediction = scored.Predictions[row];
            results[records.ValidIndexes[row]] = new RecordResult(
                records.ValidIndexes[row], prediction.PredictionId, prediction.Label, prediction.Probability, prediction.Value, records.Valid[row].EntityKey, null,
                prediction.ModelVersion ?? scored.ModelVersion, PredictionResult.ByLabel(prediction.Probabilities, champion.Output.Labels));
        }

        return new PredictionsResult(scored.ModelName, champion.Version, records.ValidIndexes.Length, records.Count - records.ValidIndexes.Length, results);
    }
}
