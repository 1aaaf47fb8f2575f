using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gateway.Limits;

/// <summary>
/// Refuses a public API request whose body is larger than <see cref="GatewayOptions.MaxRequestBodyBytes"/>
/// (<see cref="GatewayOptions.MaxBatchUploadBytes"/> for a batch upload, <see cref="GatewayOptions.MaxModelUploadBytes"/>
/// for a model version upload, a version's reference records or a model's training dataset)
/// with 413 problem details naming the limit: at once, before any endpoint or forwarding, when Content-Length
/// says so; while reading when a chunked body grows past it. The same middleware runs in front of proxied
/// paths (distributed mode) and local endpoints (embedded host).
/// </summary>
public static class RequestBodyLimit
{
    /// <summary>The problem details member that carries the limit in bytes.</summary>
    public const string LimitMember = "maxBodyBytes";

    // A chunked body's framing counts against the server's own limit; this leaves room for it while still
    // bounding what a client can make the server read.
    private const long ChunkFramingAllowance = 16 * 1024;

    /// <summary>Installs the limit in the pipeline.</summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(LimitAsync);
    }

    private static async Task LimitAsync(HttpContext context, RequestDelegate next)
    {
        if (!PublicPaths.Contains(context.Request.Path))
        {
            await next(context);
            return;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var limit = UploadTo(context.Request) switch
        {
            "batches" => options.MaxBatchUploadBytes,
            "versions" => options.MaxModelUploadBytes,
            _ => options.MaxRequestBodyBytes,
        };
        var announced = context.Request.ContentLength;
        if (announced > limit)
        {
            await TooLarge(limit, $"The body has {announced} bytes; the limit is {limit} bytes.").ExecuteAsync(context);
            return;
        }

        // No Content-Length but a body: chunked, counted as it is read.
        var chunked = announced is null && context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true };
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
            serverLimit.MaxRequestBodySize = chunked ? ServerLimitForChunked(limit) : limit;
        if (chunked)
            context.Request.Body = new LimitedRequestBody(context.Request.Body, limit);

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }

        // The proxy and the endpoints' body binding leave an empty 413 when the read failed.
        if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
            await TooLarge(limit, $"The body is larger than the limit of {limit} bytes.").ExecuteAsync(context);
    }

    // POST /api/v1/models/{model}/batches (a file of records) or /versions (an ONNX file), PUT a version's reference or
    // the model's training-dataset (files of records the registry keeps): far larger than any other request.
    // Returns "batches", "versions" (the registry's uploads) or null.
    private static string? UploadTo(HttpRequest request)
    {
        if (request.Path.Value is not { } path)
            return null;
        return path.Trim('/').Split('/') switch
        {
            ["api", "v1", "models", { Length: > 0 }, "batches" or "versions"] segments when HttpMethods.IsPost(request.Method) => segments[4],
            ["api", "v1", "models", { Length: > 0 }, "versions", { Length: > 0 }, "reference"] when HttpMethods.IsPut(request.Method) => "versions",
            ["api", "v1", "models", { Length: > 0 }, "training-dataset"] when HttpMethods.IsPut(request.Method) => "versions",
            _ => null,
        };
    }

    private static long? ServerLimitForChunked(long limit) =>
        limit > (long.MaxValue - ChunkFramingAllowance) / 2 ? null : (2 * limit) + ChunkFramingAllowance;

    private static ProblemHttpResult TooLarge(long limit, string detail) => TypedResults.Problem(
        detail,
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large",
        extensions: new Dictionary<string, object?> { [LimitMember] = limit });
}
