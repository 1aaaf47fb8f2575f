using System.Globalization;
using Contracts.Rollouts;
using Microsoft.AspNetCore.Http.HttpResults;
using Modeling.Files;
using Modeling.Text;
using Retrainer.Registry;
using Retrainer.Rollouts;
using ServiceDefaults;
using ServiceDefaults.Security;

namespace Retrainer.Endpoints;

/// <summary>
/// A model's rollouts under <c>/api/v1/models/{model}/rollouts</c> (docs/rollouts.md): start one with a strategy, list,
/// get (with the live numbers of both versions), the active one, and pause, resume, promote or roll back.
/// </summary>
public static class RolloutEndpoints
{
    private const int MaxLimit = 1000;

    /// <summary>Maps the rollout endpoints.</summary>
    public static IEndpointRouteBuilder MapRolloutEndpoints(this IEndpointRouteBuilder app)
    {
        var rollouts = app.MapGroup("/api/v1/models/{model}/rollouts").WithTags("Rollouts");
        rollouts.MapPost("/", StartAsync).RequireScope(Scopes.Admin)
            .WithName("StartRollout")
            .WithSummary("Starts rolling a registered version out: single, shadow, ab, canary or bandit.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        rollouts.MapGet("/", ListAsync).RequireScope(Scopes.Read).WithName("ListRollouts").WithSummary("The model's rollouts, newest first.").ProducesValidationProblem();
        rollouts.MapGet("/active", ActiveAsync).RequireScope(Scopes.Read).WithName("GetActiveRollout").WithSummary("The running or paused rollout of the model.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        rollouts.MapGet("/{rolloutId}", GetAsync).RequireScope(Scopes.Read).WithName("GetRollout").WithSummary("One rollout with its history and live numbers.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        foreach (var action in new[] { "pause", "resume", "promote", "rollback" })
        {
            rollouts.MapPost("/{rolloutId}/" + action, (string model, string rolloutId, RolloutActionBody? body, RolloutManager manager, RolloutEvidence evidence, CancellationToken cancellationToken) =>
                    ActAsync(action, model, rolloutId, body, manager, evidence, cancellationToken)).RequireScope(Scopes.Admin)
                .WithName(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(action) + "Rollout")
                .WithSummary(action switch
                {
                    "pause" => "Holds a running rollout where it is.",
                    "resume" => "Lets a paused rollout move on.",
                    "promote" => "Makes the challenger the champion now.",
                    _ => "Gives the champion all traffic back now.",
                })
                .ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status409Conflict);
        }

        return app;
    }

    private static async Task<Results<Created<RolloutView>, ValidationProblem, ProblemHttpResult>> StartAsync(
        string model, RolloutStartBody? body, RolloutManager manager, ModelRegistry registry, RolloutEvidence evidence, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (body?.Version is not { Length: > 0 })
            errors["version"] = ["is required: the registered version to roll out, e.g. \"3\"."];
        else if (PathSegments.Problem(body.Version) is { } versionProblem)
            errors["version"] = [$"'{UserText.Shown(body.Version)}' is not a version: it {versionProblem}."];
        if (body?.Strategy is not { } strategy || !RolloutStrategies.All.Contains(strategy))
            errors["strategy"] = [$"must be one of {string.Join(", ", RolloutStrategies.All)}."];
        if (body?.Share is { } share && !(share is > 0 and <= 1))
            errors["share"] = ["must be a share in (0, 1], e.g. 0.2."];
        if (body?.Steps is { } steps && RolloutOptions.StepsProblem(steps) is { } problem)
            errors["steps"] = [problem];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "Invalid rollout");

        if (await registry.VersionsAsync(model, cancellationToken) is null)
            return RegistryProblems.UnknownModel(model);
        if (await registry.DescribeAsync(model, body!.Version!, cancellationToken) is not { } version)
            return RegistryProblems.UnknownVersion(model, body.Version!);
        if (RolloutManager.StrategyProblem(body.Strategy!, version.Card.Task) is { } unfit)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["strategy"] = [unfit] }, title: "Invalid rollout");

        var started = await manager.StartAsync(new RolloutStart(model, body.Version!, body.Strategy!, "manual", body.Share, body.Steps), cancellationToken);
        if (!started.Started)
        {
            return TypedResults.Problem(started.Error, statusCode: started.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest,
                title: started.Conflict ? "Rollout conflict" : "Invalid rollout");
        }

        var rollout = (await manager.FindAsync(model, started.RolloutId!, cancellationToken))!;
        return TypedResults.Created($"/api/v1/models/{Uri.EscapeDataString(model)}/rollouts/{rollout.RolloutId}", RolloutView.Of(rollout, evidence));
    }

    private static async Task<Results<Ok<RolloutList>, ValidationProblem>> ListAsync(
        string model, int? limit, RolloutManager manager, RolloutEvidence evidence, CancellationToken cancellationToken)
    {
        if (limit is { } asked && asked is < 1 or > MaxLimit)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"must be between 1 and {MaxLimit}."] }, title: "Invalid query");
        var rollouts = await manager.ListAsync(model, limit ?? 100, cancellationToken);
        return TypedResults.Ok(new RolloutList([.. rollouts.Select(rollout => RolloutView.Of(rollout, evidence))]));
    }

    private static async Task<Results<Ok<RolloutView>, ProblemHttpResult>> ActiveAsync(
        string model, RolloutManager manager, RolloutEvidence evidence, CancellationToken cancellationToken)
    {
        var active = (await manager.ActiveAsync(cancellationToken)).FirstOrDefault(rollout => rollout.ModelName == model);
        return active is null
            ? TypedResults.Problem($"Model '{model}' has no running or paused rollout.", statusCode: StatusCodes.Status404NotFound, title: "No active rollout")
            : TypedResults.Ok(RolloutView.Of(active, evidence));
    }

    private static async Task<Results<Ok<RolloutView>, ProblemHttpResult>> GetAsync(
        string model, string rolloutId, RolloutManager manager, RolloutEvidence evidence, CancellationToken cancellationToken)
    {
        var rollout = await manager.FindAsync(model, rolloutId, cancellationToken);
        return rollout is null ? NotFound(model, rolloutId) : TypedResults.Ok(RolloutView.Of(rollout, evidence));
    }

    private static async Task<Results<Ok<RolloutView>, ProblemHttpResult>> ActAsync(
        string action, string model, string rolloutId, RolloutActionBody? body, RolloutManager manager, RolloutEvidence evidence, CancellationToken cancellationToken)
    {
        if (body?.Reason is { } asked && UserText.Problem(asked, UserText.MaxReasonLength) is { } problem)
            return InvalidParameter.Problem("reason", $"The reason {problem}.");
        var reason = body?.Reason is { Length: > 0 } given ? $"{action} by hand: {given}" : $"{action} by hand";
        var change = action switch
        {
            "pause" => await manager.PauseAsync(model, rolloutId, reason, cancellationToken),
            "resume" => await manager.ResumeAsync(model, rolloutId, reason, cancellationToken),
            "promote" => await manager.PromoteAsync(model, rolloutId, reason, cancellationToken),
            _ => await manager.RollbackAsync(model, rolloutId, reason, cancellationToken),
        };
        return change.Outcome switch
        {
            RolloutChangeOutcome.NotFound => NotFound(model, rolloutId),
            RolloutChangeOutcome.Conflict => TypedResults.Problem(change.Reason, statusCode: StatusCodes.Status409Conflict, title: "Rollout conflict",
                extensions: new Dictionary<string, object?> { ["state"] = change.Rollout?.State.Name() }),
            _ => TypedResults.Ok(RolloutView.Of(change.Rollout!, evidence)),
        };
    }

    private static ProblemHttpResult NotFound(string model, string rolloutId) => TypedResults.Problem(
        $"Model '{model}' has no rollout '{rolloutId}'.", statusCode: StatusCodes.Status404NotFound, title: "Rollout not found");
}
