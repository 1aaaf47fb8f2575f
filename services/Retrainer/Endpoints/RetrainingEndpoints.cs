using Microsoft.AspNetCore.Http.HttpResults;
using Modeling.Text;
using Retrainer.Retraining;
using ServiceDefaults;
using ServiceDefaults.Security;

namespace Retrainer.Endpoints;

/// <summary>
/// A model's retraining jobs under <c>/api/v1/models/{model}/retrainings</c> (docs/retraining.md): trigger one by hand,
/// list them newest first, read one with its data, evaluation and decision.
/// </summary>
public static class RetrainingEndpoints
{
    private const int MaxLimit = 1000;

    /// <summary>Maps the retraining endpoints.</summary>
    public static IEndpointRouteBuilder MapRetrainingEndpoints(this IEndpointRouteBuilder app)
    {
        var retrainings = app.MapGroup("/api/v1/models/{model}/retrainings").WithTags("Retraining");
        retrainings.MapPost("/", RequestAsync).RequireScope(Scopes.Admin)
            .WithName("RequestRetraining")
            .WithSummary("Triggers a retraining of the model; recorded as skipped when one is running.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        retrainings.MapGet("/", ListAsync).RequireScope(Scopes.Read).WithName("ListRetrainings").WithSummary("The model's retraining jobs, newest first.")
            .ProducesValidationProblem();
        retrainings.MapGet("/{jobId}", GetAsync).RequireScope(Scopes.Read).WithName("GetRetraining").WithSummary("One retraining job with its data, evaluation and decision.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Accepted<RetrainingAccepted>, ProblemHttpResult>> RequestAsync(
        string model, RetrainingRequestBody? body, RetrainingJobs jobs, CancellationToken cancellationToken)
    {
        if (body?.Reason is { } asked && UserText.Problem(asked, UserText.MaxReasonLength) is { } problem)
            return InvalidParameter.Problem("reason", $"The reason {problem}.");
        var reason = body?.Reason is { Length: > 0 } given ? given.Trim() : "requested through the API";
        if (await jobs.RequestAsync(model, RetrainingTriggers.Manual, reason, cancellationToken) is not { } job)
            return RegistryProblems.UnknownModel(model);
        var location = LocationOf(model, job.JobId);
        return TypedResults.Accepted(location, new RetrainingAccepted(job.JobId, job.State.Name(), location, job.SkippedBecause));
    }

    private static async Task<Results<Ok<RetrainingList>, ProblemHttpResult>> ListAsync(
        string model, int? limit, RetrainingJobs jobs, CancellationToken cancellationToken)
    {
        if (limit is { } asked && asked is < 1 or > MaxLimit)
            return InvalidParameter.Problem("limit", $"must be between 1 and {MaxLimit}.");
        return TypedResults.Ok(new RetrainingList(await jobs.ListAsync(model, limit ?? 100, cancellationToken)));
    }

    private static async Task<Results<Ok<RetrainingJob>, ProblemHttpResult>> GetAsync(
        string model, string jobId, RetrainingJobs jobs, CancellationToken cancellationToken) =>
        await jobs.FindAsync(model, jobId, cancellationToken) is { } job
            ? TypedResults.Ok(job)
            : TypedResults.Problem($"Model '{model}' has no retraining job '{jobId}'.", statusCode: StatusCodes.Status404NotFound, title: "Retraining job not found");

    private static string LocationOf(string model, string jobId) => $"/api/v1/models/{Uri.EscapeDataString(model)}/retrainings/{jobId}";
}

/// <summary>The optional body of a manual retraining.</summary>
/// <param name="Reason">Why, for the job's <c>triggerDetails</c>: at most 500 characters, no control characters.</param>
public sealed record RetrainingRequestBody(string? Reason);

/// <summary>The answer to a manual retraining.</summary>
/// <param name="JobId">The job recorded.</param>
/// <param name="State"><c>running</c>, or <c>skipped</c> when another job of the model was running.</param>
/// <param name="Location">Where to follow it.</param>
/// <param name="SkippedBecause">The running job, when skipped.</param>
public sealed record RetrainingAccepted(string JobId, string State, string Location, string? SkippedBecause);

/// <summary>A model's retraining jobs, newest first.</summary>
/// <param name="Jobs">The jobs.</param>
public sealed record RetrainingList(IReadOnlyList<RetrainingJob> Jobs);
