using Microsoft.AspNetCore.Http;
using ServiceDefaults.Grpc;

namespace ServiceDefaults.RateLimiting;

/// <summary>
/// The kind of a public request by its method and path: what the gateway applies to the requests it forwards, whose
/// route (<c>/api/v1/models/{**rest}</c>, <c>/v2/{**rest}</c>) covers operations of several kinds. The services name
/// the kind on each endpoint instead (<c>.RequireRateLimiting</c>) and write it into their OpenAPI documents as
/// <c>x-rate-limit</c>; a test keeps this table equal to what the public document says. gRPC methods are not in the
/// document: their kinds are those of <see cref="GrpcOperations"/>.
/// </summary>
public static class RateLimitedOperations
{
    /// <summary>The kind (<see cref="RateLimitKinds"/>) of <paramref name="method"/> <paramref name="path"/>, or null when it has none.</summary>
    public static string? KindOf(string method, string? path)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (path is null)
            return null;
        var post = HttpMethods.IsPost(method);
        var put = HttpMethods.IsPut(method);
        if (!post && !put)
            return null;
        // A gRPC call (always a POST): its method's kind, from the table of gRPC methods.
        if (post && GrpcOperations.Find(path) is { } grpc)
            return grpc.RateLimit;
        // Routing matches literal segments in any case, so the table does too.
        return path.Trim('/').ToLowerInvariant().Split('/') switch
        {
            ["api", "v1", "models", { Length: > 0 }, "predict"] when post => RateLimitKinds.Predictions,
            ["v2", "models", { Length: > 0 }, "infer"] when post => RateLimitKinds.Predictions,
            ["v2", "models", { Length: > 0 }, "versions", { Length: > 0 }, "infer"] when post => RateLimitKinds.Predictions,
            ["api", "v1", "feedback"] when post => RateLimitKinds.Feedback,
            ["api", "v1", "models", { Length: > 0 }, "versions" or "batches"] when post => RateLimitKinds.Uploads,
            ["api", "v1", "models", { Length: > 0 }, "versions", { Length: > 0 }, "reference"] when put => RateLimitKinds.Uploads,
            ["api", "v1", "models", { Length: > 0 }, "training-dataset"] when put => RateLimitKinds.Uploads,
            _ => null,
        };
    }
}
