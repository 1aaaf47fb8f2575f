using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using ServiceDefaults;

namespace Gateway.OpenApi;

/// <summary>
/// The platform's public OpenAPI document: this process's own document (in the embedded host it already
/// describes every service) merged with the documents of the proxy clusters (distributed mode), public paths
/// only (see <see cref="OpenApiDocumentMerge"/>). Built at most once per
/// <see cref="GatewayOptions.PublicDocumentCacheDuration"/>; a document that leaves out a cluster that did not answer
/// (a service still starting) at most once per <see cref="PartialDocumentCacheDuration"/>, since the gateway enforces
/// each operation's scope from it.
/// </summary>
public sealed partial class PublicApiDocument(
    [FromKeyedServices(OpenApiExtensions.DocumentName)] IOpenApiDocumentProvider localDocument,
    UpstreamApiDocuments upstreamDocuments,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<PublicApiDocument> logger) : IDisposable
{
    /// <summary>The document's title.</summary>
    public const string Title = "ML platform public API";

    /// <summary>The document's version.</summary>
    public const string Version = "v1";

    // The name this process's own document is merged under (used in renamed components).
    private const string LocalSource = "gateway";

    /// <summary>How long a document that leaves a cluster out is reused.</summary>
    public static readonly TimeSpan PartialDocumentCacheDuration = TimeSpan.FromSeconds(2);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly SemaphoreSlim _building = new(1, 1);
    private BuiltDocument? _cached;

    /// <summary>The document as JSON text, from the cache while it is fresh.</summary>
    public async Task<string> GetJsonAsync(CancellationToken cancellationToken)
    {
        if (Fresh(_cached) is { } cached)
            return cached.Json;

        await _building.WaitAsync(cancellationToken);
        try
        {
            // Another request may have built it while this one waited.
            if (Fresh(_cached) is { } built)
                return built.Json;

            var (json, complete) = await BuildAsync(cancellationToken);
            _cached = new BuiltDocument(json, time.GetUtcNow() + (complete ? options.Value.PublicDocumentCacheDuration : PartialDocumentCacheDuration));
            return json;
        }
        finally
        {
            _building.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _building.Dispose();

    private BuiltDocument? Fresh(BuiltDocument? cached) =>
        cached is not null && time.GetUtcNow() < cached.ExpiresAt ? cached : null;

    private async Task<(string Json, bool Complete)> BuildAsync(CancellationToken cancellationToken)
    {
        var upstream = upstreamDocuments.FetchAsync(cancellationToken);
        var local = await localDocument.GetOpenApiDocumentAsync(cancellationToken);
        var localJson = await local.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);

        var merge = new OpenApiDocumentMerge();
        merge.Add(LocalSource, JsonNode.Parse(localJson) as JsonObject ?? []);
        var fetched = await upstream;
        foreach (var document in fetched.Documents)
            merge.Add(document.ClusterId, document.Document);
        foreach (var conflict in merge.Conflicts)
            LogConflict(logger, conflict);

        return (merge.ToDocument(Title, Version).ToJsonString(Indented), fetched.Complete);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Public OpenAPI document: {Conflict}")]
    private static partial void LogConflict(ILogger logger, string conflict);

    private sealed record BuiltDocument(string Json, DateTimeOffset ExpiresAt);
}
