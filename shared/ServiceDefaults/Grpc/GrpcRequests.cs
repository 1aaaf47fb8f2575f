using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ServiceDefaults.Grpc;

/// <summary>Tells a gRPC call from a REST request: its content type is <c>application/grpc</c> (or <c>application/grpc+proto</c>, …).</summary>
public static class GrpcRequests
{
    /// <summary>The content type of gRPC calls and answers.</summary>
    public const string ContentType = "application/grpc";

    /// <summary>
    /// The HTTP status a gRPC answer stands for (its HTTP status is 200 whatever the outcome): from <c>grpc-status</c> in
    /// the trailers, or in the headers of a trailers-only answer; what a REST answer of the same outcome would have.
    /// </summary>
    public static int StatusOf(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode != StatusCodes.Status200OK)
            return response.StatusCode;
        var trailers = response.HttpContext.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var value = trailers?[GrpcStatusProblemWriter.StatusHeader] is { Count: > 0 } trailer ? trailer.ToString() : response.Headers[GrpcStatusProblemWriter.StatusHeader].ToString();
        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
            return StatusCodes.Status200OK;
        return (GrpcStatusCode)code switch
        {
            GrpcStatusCode.Ok => StatusCodes.Status200OK,
            GrpcStatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
            GrpcStatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
            GrpcStatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
            GrpcStatusCode.NotFound or GrpcStatusCode.Unimplemented => StatusCodes.Status404NotFound,
            GrpcStatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
            GrpcStatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
            GrpcStatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
            // CANCELLED: the client went away (as 499 is for REST elsewhere); anything else is the server's failure.
            GrpcStatusCode.Cancelled => 499,
            _ => StatusCodes.Status500InternalServerError,
        };
    }

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
