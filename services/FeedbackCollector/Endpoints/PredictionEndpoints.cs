using System.Globalization;
using Contracts.Predictions;
using FeedbackCollector.Predictions;
using Microsoft.AspNetCore.Http.HttpResults;
using ServiceDefaults;
using ServiceDefaults.Security;

namespace FeedbackCollector.Endpoints;

/// <summary>
/// The prediction log: <c>GET /api/v1/predictions/{id}</c> (one prediction) and
/// <c>GET /api/v1/predictions?model=…&amp;entityKey=…[&amp;limit=…]</c> (an entity's predictions, newest first).
/// </summary>
public static class PredictionEndpoints
{
    /// <summary>How many predictions a listing returns unless the client asks for another <c>limit</c>.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest <c>limit</c> a listing accepts.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Maps the prediction log's endpoints.</summary>
    public static IEndpointRouteBuilder MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        var predictions = app.MapGroup("/api/v1/predictions").WithTags("Predictions");
        // {id} has no :guid constraint on purpose: a malformed id gets a 400 that says so, not an empty 404.
        predictions.MapGet("/{id}", GetAsync).RequireScope(Scopes.Read)
            .WithName("GetPrediction")
            .WithSummary("One logged prediction, with the record and features it was made from.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        predictions.MapGet("/", ListAsync).RequireScope(Scopes.Read)
            .WithName("ListPredictionsByEntityKey")
            .WithSummary("The logged predictions of a model for one entity key, newest first.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<PredictionMade>, ProblemHttpResult>> GetAsync(
        string id, PredictionStore log, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var predictionId))
            return InvalidParameter.Problem("id", $"'{id}' is not a prediction id: a prediction id is a UUID, such as 01a206be-d1d4-7d1c-b62e-dbdcf315a6a7.");

        return await log.FindAsync(predictionId, cancellationToken) is { } prediction
            ? TypedResults.Ok(prediction)
            : TypedResults.Problem(
                $"No prediction {predictionId} is logged. Predictions are logged moments after they are made; retry shortly if it is new.",
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown prediction");
    }

    private static async Task<Results<Ok<PredictionList>, ProblemHttpResult>> ListAsync(
        string? model, string? entityKey, string? limit, PredictionStore log, CancellationToken cancellationToken)
    {
        const string Example = "e.g. /api/v1/predictions?model=flight-delay&entityKey=AA123";
        if (string.IsNullOrWhiteSpace(model))
            return InvalidParameter.Problem("model", $"The query parameter 'model' is required ({Example}).");
        if (string.IsNullOrWhiteSpace(entityKey))
            return InvalidParameter.Problem("entityKey", $"The query parameter 'entityKey' is required ({Example}).");

        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
            return InvalidParameter.Problem("limit", $"The query parameter 'limit' must be a whole number from 1 to {MaxLimit}, not '{limit}'.");

        var predictions = await log.FindByEntityKeyAsync(model, entityKey, count, cancellationToken);
        return TypedResults.Ok(new PredictionList(model, entityKey, predictions));
    }
}
