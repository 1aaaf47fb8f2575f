using System.Security.Claims;
using System.Text.Json;
using FeedbackCollector.Outcomes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace FeedbackCollector.Endpoints;

/// <summary>
/// Ground truth over HTTP: <c>POST /api/v1/feedback</c> (one outcome or many), <c>GET /api/v1/feedback/stats</c>
/// and <c>GET /api/v1/feedback/{outcomeId}</c> (docs/feedback.md).
/// </summary>
public static class FeedbackEndpoints
{
    /// <summary>How many invalid fields a 400 lists at most (the count of all is in its detail).</summary>
    public const int MaxListedErrors = 100;

    /// <summary>Maps the feedback endpoints.</summary>
    public static IEndpointRouteBuilder MapFeedbackEndpoints(this IEndpointRouteBuilder app)
    {
        var feedback = app.MapGroup("/api/v1/feedback").WithTags("Feedback");
        feedback.MapPost("", PostAsync).RequireScope(Scopes.Feedback).RequireRateLimiting(RateLimitKinds.Feedback)
            .WithName("PostFeedback")
            .WithSummary("Ground truth: one outcome, or {\"outcomes\":[…]}, each joined to its prediction now or held until it is logged.")
            .Accepts<FeedbackRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        // "stats" is matched before {outcomeId}: a literal segment wins over a parameter.
        feedback.MapGet("/stats", StatsAsync).RequireScope(Scopes.Read)
            .WithName("GetFeedbackStats")
            .WithSummary("How many outcomes were received, joined, are pending or orphaned, and duplicates; in all, per source (reportedBy) and per model.");
        feedback.MapGet("/{outcomeId}", GetAsync).RequireScope(Scopes.Read)
            .WithName("GetOutcome")
            .WithSummary("One outcome, with its status and the predictions it is joined to.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    // The body is read here rather than bound, so that the API document shows FeedbackRequest (Accepts above)
    // and every problem, a JSON type error included, is reported with its field's path.
    private static async Task<Results<Accepted<FeedbackReceipts>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpRequest request, ClaimsPrincipal caller, OutcomeJoiner joiner, IOptions<FeedbackOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(
                $"Send the outcomes as JSON (content type application/json), not '{request.ContentType}'.",
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                type: ProblemTypes.UnsupportedMediaType);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException exception)
        {
            return TypedResults.Problem(
                $"The body is not JSON: {exception.Message}",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed JSON",
                type: ProblemTypes.BadRequest);
        }

        using (document)
            return await ReceiveAsync(document.RootElement, OutcomeSources.OfCaller(caller), joiner, options.Value, time.GetUtcNow(), cancellationToken);
    }

    // Every outcome of the request is reported by its caller (source).
    private static async Task<Results<Accepted<FeedbackReceipts>, ValidationProblem, ProblemHttpResult>> ReceiveAsync(
        JsonElement body, string source, OutcomeJoiner joiner, FeedbackOptions options, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var errors = new List<KeyValuePair<string, string>>();
        var outcomes = new List<Outcome>();
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("outcomes", out var many))
        {
            if (many.ValueKind != JsonValueKind.Array || many.GetArrayLength() == 0)
                return Invalid([new("outcomes", "outcomes must be a non-empty array of outcome objects.")], 1);
            var max = options.MaxOutcomesPerRequest;
            if (many.GetArrayLength() > max)
            {
                return TypedResults.Problem(
                    $"{many.GetArrayLength()} outcomes in one request; at most {max} are accepted (Feedback:MaxOutcomesPerRequest). Send them in several requests.",
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "Too many outcomes",
                    type: ProblemTypes.PayloadTooLarge,
                    extensions: new Dictionary<string, object?> { ["maxOutcomes"] = max });
            }

            var index = 0;
            foreach (var item in many.EnumerateArray())
            {
                if (OutcomeReader.Read(item, $"outcomes[{index}]", receivedAt, defaultId: null, errors) is { } outcome)
                    outcomes.Add(outcome with { ReportedBy = source });
                index++;
            }
        }
        else if (body.ValueKind == JsonValueKind.Array)
        {
            errors.Add(new("outcomes", "Send one outcome object, or several as {\"outcomes\":[…]}, not a bare array."));
        }
        else if (OutcomeReader.Read(body, "", receivedAt, defaultId: null, errors) is { } outcome)
        {
            outcomes.Add(outcome with { ReportedBy = source });
        }

        if (errors.Count > 0)
            return Invalid(errors, errors.Select(error => error.Key.Split('.')[0]).Distinct(StringComparer.Ordinal).Count());

        var receipts = await joiner.ReceiveAsync(outcomes, OutcomeJoiner.HttpChannel, cancellationToken);
        return TypedResults.Accepted((string?)null, new FeedbackReceipts(receipts));
    }

    private static async Task<Ok<FeedbackStats>> StatsAsync(OutcomeStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(FeedbackStats.Of(await store.CountAsync(cancellationToken)));

    private static async Task<Results<Ok<OutcomeView>, ProblemHttpResult>> GetAsync(string outcomeId, OutcomeStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(outcomeId, cancellationToken) is { } outcome
            ? TypedResults.Ok(OutcomeView.Of(outcome))
            : TypedResults.Problem(
                $"No outcome '{outcomeId}' was received. An outcome sent without an id has the id its POST answered with.",
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown outcome");

    private static ValidationProblem Invalid(List<KeyValuePair<string, string>> errors, int invalidOutcomes)
    {
        var first = errors[0];
        var listed = errors.Take(MaxListedErrors)
            .GroupBy(error => error.Key, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(error => error.Value).ToArray(), StringComparer.Ordinal);
        var detail = invalidOutcomes > 1
            ? $"{invalidOutcomes} outcomes are invalid ({errors.Count} problems); nothing was stored. The first: {first.Key}: {first.Value}"
            : $"{first.Key}: {first.Value}";
        return TypedResults.ValidationProblem(listed, detail, title: "Invalid outcomes", type: ProblemTypes.ValidationFailed);
    }
}
