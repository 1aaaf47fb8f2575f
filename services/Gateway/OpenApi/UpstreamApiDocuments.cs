using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Gateway.OpenApi;

/// <summary>A service's own OpenAPI document, fetched from one instance of a proxy cluster.</summary>
/// <param name="ClusterId">The cluster (service) it describes, e.g. <c>inference</c>.</param>
/// <param name="Document">The document as JSON.</param>
public sealed record UpstreamApiDocument(string ClusterId, JsonObject Document);

/// <summary>The documents of the clusters that answered.</summary>
/// <param name="Documents">One per cluster that answered, ordered by cluster id.</param>
/// <param name="Complete">Whether every configured cluster answered.</param>
public sealed record UpstreamApiDocumentSet(IReadOnlyList<UpstreamApiDocument> Documents, bool Complete);

/// <summary>
/// Fetches <c>/openapi/v1.json</c> from each configured proxy cluster (distributed mode), from its first
/// available (healthy or not yet probed) instance that answers, with the cluster's own HTTP client (so its TLS
/// settings apply and no certificate is accepted that the cluster would not accept). A cluster without an
/// instance that answers is left out and logged: the public document describes what is reachable.
/// </summary>
public sealed partial class UpstreamApiDocuments(
    IProxyStateLookup proxyState,
    IOptions<GatewayOptions> options,
    ILogger<UpstreamApiDocuments> logger)
{
    /// <summary>The documents of every cluster that answered, ordered by cluster id, and whether all did.</summary>
    public async Task<UpstreamApiDocumentSet> FetchAsync(CancellationToken cancellationToken)
    {
        var clusters = proxyState.GetClusters().OrderBy(cluster => cluster.ClusterId, StringComparer.Ordinal).ToList();
        var documents = await Task.WhenAll(clusters.Select(cluster => FetchAsync(cluster, cancellationToken)));
        var answered = documents.OfType<UpstreamApiDocument>().ToList();
        return new UpstreamApiDocumentSet(answered, answered.Count == clusters.Count);
    }

    private async Task<UpstreamApiDocument?> FetchAsync(ClusterState cluster, CancellationToken cancellationToken)
    {
        var destinations = cluster.DestinationsState?.AvailableDestinations ?? [];
        if (destinations.Count == 0 || cluster.Model?.HttpClient is not { } client)
        {
            LogNoInstance(logger, cluster.ClusterId);
            return null;
        }

        foreach (var destination in destinations)
        {
            if (destination.Model?.Config.Address is not { } address)
                continue;

            var documentUri = new Uri(new Uri(address.TrimEnd('/') + "/"), OpenApiExtensions.DocumentPath.TrimStart('/'));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.UpstreamDocumentTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, documentUri);
                using var response = await client.SendAsync(request, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    LogUnusableAnswer(logger, cluster.ClusterId, documentUri, $"status {(int)response.StatusCode}");
                    continue;
                }

                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                if (await JsonNode.ParseAsync(body, cancellationToken: timeout.Token) is JsonObject document)
                    return new UpstreamApiDocument(cluster.ClusterId, document);
                LogUnusableAnswer(logger, cluster.ClusterId, documentUri, "not a JSON object");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogUnusableAnswer(logger, cluster.ClusterId, documentUri, $"no answer within {options.Value.UpstreamDocumentTimeout}");
            }
            catch (Exception exception) when (exception is HttpRequestException or JsonException)
            {
                LogUnusableAnswer(logger, cluster.ClusterId, documentUri, exception.Message);
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The public OpenAPI document leaves out cluster {ClusterId}: it has no available instance.")]
    private static partial void LogNoInstance(ILogger logger, string clusterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OpenAPI document of cluster {ClusterId} at {DocumentUri} could not be used: {Reason}.")]
    private static partial void LogUnusableAnswer(ILogger logger, string clusterId, Uri documentUri, string reason);
}
