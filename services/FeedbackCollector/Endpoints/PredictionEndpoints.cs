using Contracts.Predictions;
using FeedbackCollector.Predictions;
using Microsoft.AspNetCore.Http.HttpResults;
using ServiceDefaults;

namespace FeedbackCollector.Endpoints;

/// <summary><c>GET /api/v1/predictions/{id}</c> and <c>GET /api/v1/predictions?model=…&amp;entityKey=…</c>: the prediction log.</summary>
public static class PredictionEndpoints
{
    private const int MaxListed = 100;

    /// <summary>Maps the prediction log's endpoints.</summary>
    public static IEndpointRouteBuilder MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        var predictions = app.MapGroup("/api/v1/predictions").WithTags("Predictions");
        predictions.MapGet("/{id}", GetAsync).WithSummary("One logged prediction, with the record and features it was made from.");
        predictions.MapGet("/", ListAsync).WithSummary("The predictions of a model for one entity key, newest first.");
        return app;
    }

    private static async Task<Results<Ok<PredictionMade>, ProblemHttpResult>> GetAsync(string id, IPredictionLog log, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var predictionId))
            return Invalid("id", $"'{id}' is not a prediction id (a UUID such as 01a206be-d1d4-7d1c-b62e-dbdcf315a6a7).");
        return await log.FindAsync(predictionId, cancellationToken) is { } prediction
            ? TypedResults.Ok(prediction)
            : TypedResults.Problem($"No prediction {predictionId} is logged (it may not have arrived yet).", statusCode: StatusCodes.Status404NotFound, title: "Unknown prediction");
    }

    private static async Task<Results<Ok<IReadOnlyList<PredictionMade>>, ProblemHttpResult>> ListAsync(
        string? model, string? entityKey, IPredictionLog log, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(model))
            return Invalid("model", "The query parameter 'model' is required (e.g. ?model=flight-delay&entityKey=UA123).");
        if (string.IsNullOrWhiteSpace(entityKey))
            return Invalid("entityKey", "The query parameter 'entityKey' is required (e.g. ?model=flight-delay&entityKey=UA123).");
        return TypedResults.Ok(await log.FindByEntityKeyAsync(model, entityKey, MaxListed, cancellationToken));
    }

    private static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem(message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", type: ProblemTypes.ValidationFailed,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
