using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Modeling.Bundles;
using Modeling.Cards;
using Retrainer.Registry;
using Retrainer.Retraining;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace Retrainer.Endpoints;

/// <summary>
/// The registry's versions under <c>/api/v1/models/{model}/versions</c> (docs/registry.md): list, read one, its
/// card and its ONNX file (for edge devices), register a new one (ONNX + model card, checked against each other),
/// delete one that serves no traffic.
/// </summary>
public static class ModelVersionEndpoints
{
    /// <summary>The public path of a version.</summary>
    public static string PathOf(string model, string version) =>
        $"/api/v1/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}";

    /// <summary>Maps the version endpoints.</summary>
    public static IEndpointRouteBuilder MapModelVersionEndpoints(this IEndpointRouteBuilder app)
    {
        var versions = app.MapGroup("/api/v1/models/{model}/versions").WithTags("Model registry");
        versions.MapGet("/", ListAsync).RequireScope(Scopes.Read)
            .WithName("ListModelVersions")
            .WithSummary("A model's registered versions, newest first: card summary, metrics, lineage, aliases, checksum, size and whether each serves traffic.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        versions.MapGet("/{version}", GetAsync).RequireScope(Scopes.Read)
            .WithName("GetModelVersion")
            .WithSummary("One version with its whole model card.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        versions.MapGet("/{version}/card", GetCardAsync).RequireScope(Scopes.Read)
            .WithName("GetModelCard")
            .WithSummary("The version's model card (JSON).")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        versions.MapGet("/{version}/artifact", GetArtifactAsync).RequireScope(Scopes.Read)
            .WithName("DownloadModelArtifact")
            .WithSummary("The version's ONNX file; its ETag is the file's SHA-256.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        versions.MapPost("/", RegisterAsync).RequireScope(Scopes.Admin).RequireRateLimiting(RateLimitKinds.Uploads)
            .WithName("RegisterModelVersion")
            .WithSummary("Registers a new version: multipart/form-data with 'card' (the model card JSON), 'onnx' (the ONNX file) and optionally 'reference' (CSV, JSON Lines or Parquet records the card's reference statistics and metrics are computed from). It does not serve traffic until the champion alias points at it.")
            .Accepts<ModelVersionUpload>("multipart/form-data")
            .Produces<ModelVersionView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        versions.MapPut("/{version}/reference", SetReferenceAsync).RequireScope(Scopes.Admin).RequireRateLimiting(RateLimitKinds.Uploads)
            .WithName("SetModelVersionReference")
            .WithSummary("Replaces the reference statistics a version's traffic is compared with (and its metrics, when the records carry labels), computed from records sent as the body (text/csv, application/jsonl, application/vnd.apache.parquet) or as the multipart part 'reference'. Monitor compares with them from then on.")
            .Produces<ModelVersionView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        versions.MapDelete("/{version}", DeleteAsync).RequireScope(Scopes.Admin)
            .WithName("DeleteModelVersion")
            .WithSummary("Deletes a version's card and ONNX file; refused (409) for a version that serves traffic or that an alias points at.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<Ok<ModelVersionList>, ProblemHttpResult>> ListAsync(string model, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (await registry.VersionsAsync(model, cancellationToken) is not { } versions)
            return RegistryProblems.UnknownModel(model);
        return TypedResults.Ok(new ModelVersionList(
            model,
            versions.ServedVersion,
            versions.Aliases.ToDictionary(alias => alias.Name, alias => alias.Version, StringComparer.Ordinal),
            [.. versions.Versions.Select(version => ModelVersionView.Of(version, versions, withCard: false))]));
    }

    private static async Task<Results<Ok<ModelVersionView>, ProblemHttpResult>> GetAsync(string model, string version, ModelRegistry registry, CancellationToken cancellationToken)
    {
        var (stored, versions, problem) = await FindAsync(model, version, registry, cancellationToken);
        if (problem is { } refused)
            return refused;
        return TypedResults.Ok(ModelVersionView.Of(stored!, versions!, withCard: true));
    }

    private static async Task<IResult> GetCardAsync(string model, string version, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (await registry.DescribeAsync(model, version, cancellationToken) is not { } stored)
            return RegistryProblems.UnknownVersion(model, version);
        return TypedResults.Text(ModelCardJson.Serialize(stored.Card), "application/json", System.Text.Encoding.UTF8);
    }

    private static async Task<IResult> GetArtifactAsync(string model, string version, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (await registry.FindAsync(model, version, cancellationToken) is not { } bundle)
            return RegistryProblems.UnknownVersion(model, version);
        // The checksum is the ETag: a device that has the file asks with If-None-Match and gets 304.
        var sha256 = Modeling.Bundles.ModelBundle.Sha256Of(bundle.Onnx);
        return TypedResults.Bytes(
            bundle.Onnx,
            "application/octet-stream",
            fileDownloadName: $"{model}-{version}.onnx",
            entityTag: new EntityTagHeaderValue($"\"{sha256}\""));
    }

    private static async Task<IResult> RegisterAsync(
        string model, HttpRequest request, ModelRegistry registry, RetrainingJobs jobs, IOptions<RegistryOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var (parts, problem) = await VersionUpload.ReadAsync(request, options.Value, cancellationToken);
        if (parts is null)
            return problem!;
        await using var _ = parts;

        var (card, cardErrors) = VersionUpload.ReadCard(parts.CardJson, model);
        if (card is null)
            return VersionUpload.Invalid(cardErrors);
        // Before the ONNX check, which loads the model: a version that exists is refused whatever the file.
        if (await registry.DescribeAsync(model, card.Version, cancellationToken) is not null)
            return RegistryProblems.VersionExists(model, card.Version);
        if (card.Lineage?.RetrainingJob is { } jobId && await ExternalVersion.ProblemAsync(card, jobId, registry, jobs, cancellationToken) is { } jobProblem)
            return jobProblem;

        var (checkedBundle, onnxErrors) = VersionUpload.Check(card, parts.Onnx, options.Value.OnnxCheckTimeout, time);
        if (checkedBundle is null)
            return VersionUpload.Invalid(onnxErrors);
        var bundle = checkedBundle;
        if (parts.Reference is { } reference)
        {
            if (card.Reference is not null)
                return VersionUpload.Invalid(new() { [VersionUpload.ReferenceField] = ["The card has reference statistics already (card.reference): send either them or a reference file, not both."] });
            var (profile, referenceErrors) = await VersionUpload.ProfileAsync(checkedBundle, reference, options.Value.ReferenceMaxRows, options.Value.RecordLimits, cancellationToken);
            if (profile is null)
                return VersionUpload.Invalid(referenceErrors);
            bundle = new ModelBundle(card with { Reference = profile.Statistics, Metrics = profile.Metrics ?? card.Metrics }, parts.Onnx).WithChecksum();
        }

        var registration = await registry.RegisterAsync(bundle, card.Lineage?.Trigger ?? "external", cancellationToken);
        if (registration.Outcome == RegistrationOutcome.AlreadyExists)
            return RegistryProblems.VersionExists(model, card.Version);
        // The job evaluates it against the champion (it may have expired meanwhile: the version stays registered).
        if (card.Lineage?.RetrainingJob is { } answered)
            await jobs.OfferAsync(model, answered, card.Version, cancellationToken);

        var versions = await registry.VersionsAsync(model, cancellationToken);
        var view = ModelVersionView.Of(registration.Version!, versions!, withCard: true);
        return TypedResults.Created(view.Links.Self, view);
    }

    private static async Task<IResult> SetReferenceAsync(
        string model, string version, HttpRequest request, ModelRegistry registry, IOptions<RegistryOptions> options, CancellationToken cancellationToken)
    {
        var (_, _, problem) = await FindAsync(model, version, registry, cancellationToken);
        if (problem is not null)
            return problem;
        // Listed but unusable (its ONNX file is gone or changed): nothing can be scored with it.
        if (await registry.FindAsync(model, version, cancellationToken) is not { } bundle)
            return RegistryProblems.UnknownVersion(model, version);
        var (reference, readProblem) = await VersionUpload.ReadRecordsAsync(request, options.Value, VersionUpload.ReferenceField, VersionUpload.Invalid, cancellationToken);
        if (reference is null)
            return readProblem!;
        await using (reference)
        {
            var (profile, errors) = await VersionUpload.ProfileAsync(bundle, reference, options.Value.ReferenceMaxRows, options.Value.RecordLimits, cancellationToken);
            if (profile is null)
                return VersionUpload.Invalid(errors);
            if (await registry.SetReferenceAsync(model, version, profile.Statistics, profile.Metrics, cancellationToken) is not { } changed)
                return RegistryProblems.UnknownVersion(model, version);
            return TypedResults.Ok(ModelVersionView.Of(changed, (await registry.VersionsAsync(model, cancellationToken))!, withCard: true));
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string model, string version, ModelRegistry registry, CancellationToken cancellationToken)
    {
        var deletion = await registry.DeleteAsync(model, version, cancellationToken);
        return deletion.Outcome switch
        {
            VersionDeletionOutcome.Deleted => TypedResults.NoContent(),
            VersionDeletionOutcome.InUse => RegistryProblems.VersionInUse(model, version, deletion),
            _ => RegistryProblems.UnknownVersion(model, version),
        };
    }

    private static async Task<(StoredVersion? Stored, ModelVersions? Versions, ProblemHttpResult? Problem)> FindAsync(
        string model, string version, ModelRegistry registry, CancellationToken cancellationToken)
    {
        var versions = await registry.VersionsAsync(model, cancellationToken);
        if (versions is null)
            return (null, null, RegistryProblems.UnknownModel(model));
        var stored = versions.Versions.FirstOrDefault(candidate => candidate.Version == version);
        return stored is null ? (null, null, RegistryProblems.UnknownVersion(model, version)) : (stored, versions, null);
    }
}
