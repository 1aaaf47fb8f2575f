using Microsoft.AspNetCore.Http.HttpResults;
using Retrainer.Registry;
using ServiceDefaults.Security;

namespace Retrainer.Endpoints;

/// <summary>
/// A model's aliases under <c>/api/v1/models/{model}/aliases</c> (docs/registry.md): <c>champion</c> (the version
/// that serves traffic), <c>challenger</c> and any other name. Moving <c>champion</c> switches every replica.
/// </summary>
public static class ModelAliasEndpoints
{
    /// <summary>Maps the alias endpoints.</summary>
    public static IEndpointRouteBuilder MapModelAliasEndpoints(this IEndpointRouteBuilder app)
    {
        var aliases = app.MapGroup("/api/v1/models/{model}/aliases").WithTags("Model registry");
        aliases.MapGet("/", ListAsync).RequireScope(Scopes.Read)
            .WithName("ListModelAliases")
            .WithSummary("A model's aliases and the version that serves its traffic.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        aliases.MapPut("/{alias}", SetAsync).RequireScope(Scopes.Admin)
            .WithName("SetModelAlias")
            .WithSummary("Points an alias at a version ({\"version\": \"3\"}); moving 'champion' switches the version that serves traffic.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        aliases.MapDelete("/{alias}", DeleteAsync).RequireScope(Scopes.Admin)
            .WithName("DeleteModelAlias")
            .WithSummary("Removes an alias; 'champion' can be moved but not removed (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<Ok<ModelAliasList>, ProblemHttpResult>> ListAsync(string model, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (await registry.VersionsAsync(model, cancellationToken) is not { } versions)
            return RegistryProblems.UnknownModel(model);
        return TypedResults.Ok(new ModelAliasList(model, versions.ServedVersion, [.. versions.Aliases.Select(alias => ModelAliasView.Of(alias))]));
    }

    private static async Task<Results<Ok<ModelAliasView>, ValidationProblem, ProblemHttpResult>> SetAsync(
        string model, string alias, AliasTarget? target, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!AliasNames.IsValid(alias))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["alias"] = [$"'{alias}' is not an alias name: a lower-case letter, then up to 63 lower-case letters, digits, '.', '-' or '_' (e.g. champion, challenger)."] },
                title: "Invalid alias");
        }

        if (target?.Version is not { Length: > 0 } version)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["is required: the version the alias points at, e.g. {\"version\": \"3\"}."] }, title: "Invalid alias");

        if (await registry.DescribeAsync(model, version, cancellationToken) is null)
        {
            if (await registry.VersionsAsync(model, cancellationToken) is null)
                return RegistryProblems.UnknownModel(model);
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["version"] = [$"model '{model}' has no version '{version}'."] }, title: "Invalid alias");
        }

        var change = await registry.SetAliasAsync(model, alias, version, cancellationToken);
        return change.Outcome switch
        {
            AliasChangeOutcome.UnknownVersion => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["version"] = [$"version '{version}' of '{model}' cannot be loaded (its card or ONNX file is damaged)."] }, title: "Invalid alias"),
            _ => TypedResults.Ok(ModelAliasView.Of(change.Alias!, change.PreviousVersion)),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string model, string alias, ModelRegistry registry, CancellationToken cancellationToken)
    {
        return await registry.RemoveAliasAsync(model, alias, cancellationToken) switch
        {
            AliasRemoval.Removed => TypedResults.NoContent(),
            AliasRemoval.ChampionCannotBeRemoved => TypedResults.Problem(
                $"The champion of '{model}' decides which version serves its traffic: move it to another version (PUT) instead of removing it.",
                statusCode: StatusCodes.Status409Conflict, title: "Champion cannot be removed"),
            _ => TypedResults.Problem($"Model '{model}' has no alias '{alias}'.", statusCode: StatusCodes.Status404NotFound, title: "Alias not found"),
        };
    }
}
