using System.Text.Json;
using Modeling.Cards;
using Retrainer.Registry;

namespace Retrainer.Endpoints;

/// <summary>A model's versions, newest first (<c>GET /api/v1/models/{model}/versions</c>).</summary>
/// <param name="Model">The model.</param>
/// <param name="ServedVersion">The version that serves the model's traffic: its champion, or without one its latest usable version.</param>
/// <param name="Aliases">Every alias of the model, alias → version.</param>
/// <param name="Versions">The versions, newest first.</param>
public sealed record ModelVersionList(string Model, string? ServedVersion, IReadOnlyDictionary<string, string> Aliases, IReadOnlyList<ModelVersionView> Versions);

/// <summary>One registered version of a model.</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version.</param>
/// <param name="Summary">What the model takes and gives, from its card.</param>
/// <param name="Metrics">The card's <c>metrics</c> (training hold-out), as in the card.</param>
/// <param name="Lineage">The card's <c>lineage</c> (data window, trigger, parent version, trainer), as in the card.</param>
/// <param name="Aliases">The aliases that point at this version.</param>
/// <param name="RegisteredAt">When the registry accepted it.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the ONNX file (also the download's ETag).</param>
/// <param name="SizeBytes">Size of the ONNX file.</param>
/// <param name="Serving">Whether this version serves the model's traffic.</param>
/// <param name="Links">Where to read it, its card and its ONNX file.</param>
/// <param name="Card">The whole model card (one version only; left out of lists).</param>
public sealed record ModelVersionView(
    string Model,
    string Version,
    ModelCardSummary Summary,
    JsonElement? Metrics,
    JsonElement? Lineage,
    IReadOnlyList<string> Aliases,
    DateTimeOffset RegisteredAt,
    string Sha256,
    long SizeBytes,
    bool Serving,
    ModelVersionLinks Links,
    JsonElement? Card = null)
{
    /// <summary>The view of <paramref name="stored"/> within <paramref name="model"/>'s versions.</summary>
    public static ModelVersionView Of(StoredVersion stored, ModelVersions model, bool withCard)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(model);
        using var card = JsonDocument.Parse(ModelCardJson.Serialize(stored.Card));
        var root = card.RootElement;
        return new ModelVersionView(
            stored.ModelName,
            stored.Version,
            ModelCardSummary.Of(stored.Card),
            root.TryGetProperty("metrics", out var metrics) ? metrics.Clone() : null,
            root.TryGetProperty("lineage", out var lineage) ? lineage.Clone() : null,
            model.AliasesOf(stored.Version),
            stored.RegisteredAt,
            stored.Sha256,
            stored.Bytes,
            stored.Version == model.ServedVersion,
            ModelVersionLinks.Of(stored.ModelName, stored.Version),
            withCard ? root.Clone() : null);
    }
}

/// <summary>What a version takes and gives, from its card.</summary>
/// <param name="Task">binary, multiclass or regression.</param>
/// <param name="Description">The card's description.</param>
/// <param name="Features">The raw fields a record carries, in order.</param>
/// <param name="Input">The ONNX input's name.</param>
/// <param name="Columns">The input tensor's width (columns per record).</param>
/// <param name="Probability">The ONNX output with the probabilities, if any.</param>
/// <param name="Score">The ONNX output with the score, if any.</param>
/// <param name="Labels">The class labels.</param>
/// <param name="Trigger">What led to the version (<c>lineage.trigger</c>), if the card says.</param>
public sealed record ModelCardSummary(
    string Task,
    string? Description,
    IReadOnlyList<string> Features,
    string Input,
    int Columns,
    string? Probability,
    string? Score,
    IReadOnlyList<string> Labels,
    string? Trigger)
{
    /// <summary>The summary of <paramref name="card"/>.</summary>
    public static ModelCardSummary Of(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return new ModelCardSummary(
            JsonNamingPolicy.CamelCase.ConvertName(card.Task.ToString()),
            card.Description,
            [.. card.Features.Select(feature => feature.Name)],
            card.Input.Name,
            card.Input.Columns.Count,
            card.Output.Probability,
            card.Output.Score,
            card.Output.Labels,
            card.Lineage?.Trigger);
    }
}

/// <summary>Where a version, its card and its ONNX file are read.</summary>
/// <param name="Self">The version.</param>
/// <param name="Card">Its model card (JSON).</param>
/// <param name="Artifact">Its ONNX file.</param>
public sealed record ModelVersionLinks(string Self, string Card, string Artifact)
{
    /// <summary>The links of one version.</summary>
    public static ModelVersionLinks Of(string model, string version)
    {
        var self = ModelVersionEndpoints.PathOf(model, version);
        return new ModelVersionLinks(self, self + "/card", self + "/artifact");
    }
}

/// <summary>A model's aliases (<c>GET /api/v1/models/{model}/aliases</c>).</summary>
/// <param name="Model">The model.</param>
/// <param name="ServedVersion">The version that serves the model's traffic.</param>
/// <param name="Aliases">Every alias, by name.</param>
public sealed record ModelAliasList(string Model, string? ServedVersion, IReadOnlyList<ModelAliasView> Aliases);

/// <summary>One alias of a model.</summary>
/// <param name="Model">The model.</param>
/// <param name="Alias">The alias, e.g. <c>champion</c>.</param>
/// <param name="Version">The version it points at.</param>
/// <param name="UpdatedAt">When it was set or last moved.</param>
/// <param name="PreviousVersion">After a PUT that moved it: the version it pointed at before.</param>
public sealed record ModelAliasView(string Model, string Alias, string Version, DateTimeOffset UpdatedAt, string? PreviousVersion = null)
{
    /// <summary>The view of <paramref name="alias"/>.</summary>
    public static ModelAliasView Of(ModelAlias alias, string? previousVersion = null)
    {
        ArgumentNullException.ThrowIfNull(alias);
        return new ModelAliasView(alias.ModelName, alias.Name, alias.Version, alias.UpdatedAt, previousVersion);
    }
}

/// <summary>The body of <c>PUT /api/v1/models/{model}/aliases/{alias}</c>.</summary>
/// <param name="Version">The version the alias is to point at.</param>
public sealed record AliasTarget(string? Version);

/// <summary>The parts of <c>POST /api/v1/models/{model}/versions</c> (multipart/form-data), for the API description.</summary>
/// <param name="Card">The model card (JSON, docs/model-card.md), as a file or a text field.</param>
/// <param name="Onnx">The ONNX file.</param>
/// <param name="Reference">
/// Optional: the records the model was trained or validated on (CSV, JSON Lines or Parquet, told by the part's
/// content type or file name), with the card's label field when known; the registry computes the card's reference
/// statistics (and metrics, with labels) from them.
/// </param>
public sealed record ModelVersionUpload(IFormFile Card, IFormFile Onnx, IFormFile? Reference);
