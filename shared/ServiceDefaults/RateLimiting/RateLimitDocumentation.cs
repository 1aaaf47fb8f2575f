using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace ServiceDefaults.RateLimiting;

/// <summary>
/// Writes each rate-limited operation's kind into the service's OpenAPI document, as <c>x-rate-limit</c> (one of
/// <see cref="RateLimitKinds.All"/>), with its 429 answer: the API reference shows it, and the tests hold the gateway's
/// path table (<see cref="RateLimitedOperations"/>) to what the public document says.
/// </summary>
public static class RateLimitDocumentation
{
    /// <summary>The operation's extension that names its kind.</summary>
    public const string ExtensionName = "x-rate-limit";

    /// <summary>Adds the kind and the 429 answer to a rate-limited operation; nothing to another.</summary>
    public static Task AddKindAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var kind = context.Description.ActionDescriptor.EndpointMetadata.OfType<EnableRateLimitingAttribute>().LastOrDefault()?.PolicyName;
        if (!RateLimitKinds.IsKind(kind))
            return Task.CompletedTask;
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions[ExtensionName] = new JsonNodeExtension(JsonValue.Create(kind));
        operation.Responses ??= [];
        operation.Responses.TryAdd("429", new OpenApiResponse
        {
            Description = $"Too many requests: the caller's {kind} rate limit is used up, or (uploads) the service is receiving its most uploads at once. Retry-After gives the seconds to wait.",
        });
        return Task.CompletedTask;
    }
}
