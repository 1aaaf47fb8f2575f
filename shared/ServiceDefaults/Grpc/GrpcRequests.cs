using Microsoft.AspNetCore.Http;

namespace ServiceDefaults.Grpc;

/// <summary>Tells a gRPC call from a REST request: its content type is <c>application/grpc</c> (or <c>application/grpc+proto</c>, …).</summary>
public static class GrpcRequests
{
    /// <summary>The content type of gRPC calls and answers.</summary>
    public const string ContentType = "application/grpc";

    /// <summary>Whether <paramref name="request"/> is a gRPC call.</summary>
    public static bool IsGrpc(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var contentType = request.ContentType;
        return contentType is not null
            && contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase)
            && (contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';');
    }
}
