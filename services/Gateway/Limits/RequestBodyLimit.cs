using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gateway.Limits;

/// <summary>
/// Refuses a public API request whose body is larger than <see cref="GatewayOptions.MaxRequestBodyBytes"/>:
/// at once with 413 when Content-Length says so, and while reading for a chunked body (the server's body
/// limit makes the read fail with 413, which the service defaults turn into problem details).
/// </summary>
public static class RequestBodyLimit
{
    /// <summary>The public paths the limit applies to.</summary>
    public static bool IsPublicPath(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/v2", StringComparison.OrdinalIgnoreCase);

    /// <summary>Installs the limit in the pipeline.</summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            if (!IsPublicPath(context.Request.Path))
            {
                await next(context);
                return;
            }

            var limit = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxRequestBodyBytes;
            if (context.Request.ContentLength > limit)
            {
                var problem = TypedResults.Problem(
                    $"The body has {context.Request.ContentLength} bytes; the limit is {limit}.",
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "Request body too large",
                    extensions: new Dictionary<string, object?> { ["maxBodyBytes"] = limit });
                await problem.ExecuteAsync(context);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
                bodySize.MaxRequestBodySize = limit;
            await next(context);
        });
    }
}
