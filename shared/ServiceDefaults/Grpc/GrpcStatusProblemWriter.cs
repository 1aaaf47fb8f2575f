using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using ServiceDefaults.Security;

namespace ServiceDefaults.Grpc;

/// <summary>
/// Writes the problem details of a gRPC call as the gRPC status a gRPC client reads: HTTP 200 with
/// <c>grpc-status</c> and <c>grpc-message</c> and no body (a trailers-only answer). Every error the pipeline answers
/// before a gRPC method runs goes through it: 401 and 403 from the security pipeline, 429 from the rate limits, 503
/// while the keys have not arrived, and at the gateway no route (404), a body over the limit (413) and the proxy's
/// 502/503/504. A gRPC client would otherwise see only the HTTP status, which the gRPC spec maps to UNAVAILABLE for 429
/// and to UNKNOWN for most others. Registered before the default JSON writer, it answers only gRPC calls.
/// </summary>
public sealed class GrpcStatusProblemWriter : IProblemDetailsWriter
{
    /// <summary>The header that carries the status code.</summary>
    public const string StatusHeader = "grpc-status";

    /// <summary>The header that carries the message, percent-encoded.</summary>
    public const string MessageHeader = "grpc-message";

    /// <inheritdoc />
    public bool CanWrite(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return GrpcRequests.IsGrpc(context.HttpContext.Request);
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcRequests.ContentType;
        response.ContentLength = null;
        response.Headers[StatusHeader] = ((int)CodeOf(status)).ToString(CultureInfo.InvariantCulture);
        response.Headers[MessageHeader] = Encode(MessageOf(http, status, context.ProblemDetails.Title, context.ProblemDetails.Detail));
        return ValueTask.CompletedTask;
    }

    /// <summary>The gRPC status code of an HTTP error status.</summary>
    public static GrpcStatusCode CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => GrpcStatusCode.InvalidArgument,
        StatusCodes.Status401Unauthorized => GrpcStatusCode.Unauthenticated,
        StatusCodes.Status403Forbidden => GrpcStatusCode.PermissionDenied,
        // No route: at the gateway a method of no service it forwards.
        StatusCodes.Status404NotFound => GrpcStatusCode.Unimplemented,
        StatusCodes.Status413PayloadTooLarge or StatusCodes.Status429TooManyRequests => GrpcStatusCode.ResourceExhausted,
        StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable => GrpcStatusCode.Unavailable,
        StatusCodes.Status504GatewayTimeout => GrpcStatusCode.DeadlineExceeded,
        StatusCodes.Status500InternalServerError => GrpcStatusCode.Internal,
        _ => GrpcStatusCode.Unknown,
    };

    private static string MessageOf(HttpContext context, int status, string? title, string? detail)
    {
        var what = status switch
        {
            StatusCodes.Status401Unauthorized when detail is null =>
                "this call needs an API key or a token: send the metadata 'authorization: Bearer <key>' or 'x-api-key: <key>'",
            StatusCodes.Status403Forbidden when detail is null && ScopeOf(context) is { } scope =>
                $"the credential does not have the scope '{scope}' this call needs",
            StatusCodes.Status404NotFound when detail is null => $"no gRPC method {context.Request.Path} is served here",
            _ => detail,
        };
        title ??= ReasonPhrases.GetReasonPhrase(status);
        return what is null ? title : $"{title}: {what}";
    }

    private static string? ScopeOf(HttpContext context) =>
        GrpcOperations.Find(context.Request.Path.Value)?.Scope
        ?? (context.GetEndpoint() is { } endpoint ? EndpointScope.Of(endpoint.Metadata) : null);

    // The gRPC spec's percent-encoding of grpc-message: UTF-8, with '%' and bytes outside 0x20-0x7E as %XX.
    private static string Encode(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (var value in Encoding.UTF8.GetBytes(message))
        {
            if (value is >= 0x20 and <= 0x7E and not (byte)'%')
                builder.Append((char)value);
            else
                builder.Append('%').Append(value.ToString("X2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}

/// <summary>The gRPC status codes the platform answers with (their numbers are the gRPC spec's).</summary>
public enum GrpcStatusCode
{
    /// <summary>Success.</summary>
    Ok = 0,

    /// <summary>The client cancelled the call.</summary>
    Cancelled = 1,

    /// <summary>An error of no other code.</summary>
    Unknown = 2,

    /// <summary>The request is invalid (a bad tensor).</summary>
    InvalidArgument = 3,

    /// <summary>The call took too long.</summary>
    DeadlineExceeded = 4,

    /// <summary>No such model or version.</summary>
    NotFound = 5,

    /// <summary>The credential lacks the scope.</summary>
    PermissionDenied = 7,

    /// <summary>A rate limit is used up, or the request is too large.</summary>
    ResourceExhausted = 8,

    /// <summary>No such method.</summary>
    Unimplemented = 12,

    /// <summary>The server failed.</summary>
    Internal = 13,

    /// <summary>Not ready, or no instance to forward to: try again.</summary>
    Unavailable = 14,

    /// <summary>No valid credential.</summary>
    Unauthenticated = 16,
}
