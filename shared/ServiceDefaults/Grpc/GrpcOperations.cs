using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace ServiceDefaults.Grpc;

/// <summary>
/// The scope and rate limit of every gRPC method the platform serves, in one place: gRPC methods are not in the OpenAPI
/// documents the gateway learns REST scopes from. Inference puts them on its gRPC endpoints (<see cref="Apply"/>), the
/// gateway requires the same scope before it forwards a call (<c>Security/OperationScopeHandler</c>) and counts the same
/// kind (<see cref="RateLimitedOperations"/>). A test holds the table to the service's methods in the .proto.
/// </summary>
public static class GrpcOperations
{
    /// <summary>The Open Inference Protocol's gRPC service (<c>services/Inference/OpenInference/grpc_predict_v2.proto</c>).</summary>
    public const string InferenceService = "inference.GRPCInferenceService";

    /// <summary>The scoring hop FeatureBuilder calls (<c>shared/ServiceDefaults/Scoring/scoring.proto</c>); the gateway does not route it.</summary>
    public const string ScoringService = "platform.scoring.v1.Scoring";

    /// <summary>
    /// Every method with its scope (null: open to anyone) and rate limit kind, as the REST form of each has them. The
    /// scoring hop carries the credential of the online prediction it serves, which was counted against the rate limit there.
    /// </summary>
    public static readonly IReadOnlyList<GrpcOperation> All =
    [
        new(InferenceService, "ServerLive", null, null),
        new(InferenceService, "ServerReady", null, null),
        new(InferenceService, "ModelReady", Scopes.Read, null),
        new(InferenceService, "ServerMetadata", Scopes.Read, null),
        new(InferenceService, "ModelMetadata", Scopes.Read, null),
        new(InferenceService, "ModelInfer", Scopes.Predict, RateLimitKinds.Predictions),
        new(ScoringService, "Score", Scopes.Predict, null),
    ];

    /// <summary>The operation a request path (<c>/package.Service/Method</c>) calls, or null when it is none of <see cref="All"/>.</summary>
    public static GrpcOperation? Find(string? path)
    {
        if (path is null)
            return null;
        foreach (var operation in All)
        {
            // gRPC paths are case-sensitive.
            if (string.Equals(operation.Path, path, StringComparison.Ordinal))
                return operation;
        }

        return null;
    }

    /// <summary>
    /// Gives a gRPC endpoint its method's scope and rate limit (for a <c>MapGrpcService</c> convention): the same
    /// metadata <c>RequireScope</c>, <c>AllowAnonymous</c> and <c>RequireRateLimiting</c> give a REST endpoint. An endpoint
    /// of no method in the table (the framework's answer to unknown methods) gets nothing, so the fallback policy closes it.
    /// </summary>
    public static void Apply(EndpointBuilder endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint is not RouteEndpointBuilder route || Find(route.RoutePattern.RawText) is not { } operation)
            return;
        endpoint.Metadata.Add(operation.Scope is { } scope ? new AuthorizeAttribute(SecurityExtensions.PolicyOf(scope)) : new AllowAnonymousAttribute());
        if (operation.RateLimit is { } kind)
            endpoint.Metadata.Add(new EnableRateLimitingAttribute(kind));
    }
}

/// <summary>A gRPC method with its scope and rate limit.</summary>
/// <param name="Service">The service's full name (<c>package.Service</c>).</param>
/// <param name="Method">The method's name.</param>
/// <param name="Scope">The scope a caller needs (<see cref="Scopes"/>), or null when the method is open.</param>
/// <param name="RateLimit">The rate limit kind it counts against (<see cref="RateLimitKinds"/>), or null.</param>
public sealed record GrpcOperation(string Service, string Method, string? Scope, string? RateLimit)
{
    /// <summary>The HTTP/2 request path of a call: <c>/package.Service/Method</c>.</summary>
    public string Path => $"/{Service}/{Method}";
}
