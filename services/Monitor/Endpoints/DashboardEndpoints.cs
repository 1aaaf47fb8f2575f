using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Monitor.Dashboard;

namespace Monitor.Endpoints;

/// <summary>
/// The monitoring dashboard (docs/dashboard.md): <c>/dashboard/</c> serves the page, <c>/dashboard/&lt;file&gt;</c>
/// its styles and scripts, and <c>/dashboard</c> redirects to <c>/dashboard/</c> so the page's relative URLs
/// (its files, and <c>../api/v1/monitoring/…</c>) resolve the same directly and behind the gateway.
/// </summary>
public static class DashboardEndpoints
{
    // Everything the page loads comes from this origin: its own files and the monitoring API. No inline
    // script or style, no CDN.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'none'";

    /// <summary>Maps the dashboard's page and files.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var assets = DashboardAssets.Load(typeof(DashboardEndpoints).Assembly);
        // The catch-all also matches /dashboard itself, which Serve redirects.
        app.MapMethods("/dashboard/{**file}", [HttpMethods.Get, HttpMethods.Head], (string? file, HttpContext context) => Serve(assets, file, context))
            .WithName("Dashboard")
            .WithTags("Dashboard")
            .ExcludeFromDescription()
            .AllowAnonymous();
        return app;
    }

    private static Results<FileContentHttpResult, RedirectHttpResult, ProblemHttpResult> Serve(DashboardAssets assets, string? file, HttpContext context)
    {
        // Relative to /dashboard, so the redirect also works under a path prefix a proxy adds.
        if (string.IsNullOrEmpty(file) && context.Request.Path.Value?.EndsWith('/') != true)
            return TypedResults.Redirect($"dashboard/{context.Request.QueryString}");
        var name = string.IsNullOrEmpty(file) ? "index.html" : file;
        if (assets.Find(name) is not { } asset)
        {
            return TypedResults.Problem(
                $"The dashboard has no file '{name}'. Open /dashboard/.",
                statusCode: StatusCodes.Status404NotFound,
                title: "Not found");
        }

        var headers = context.Response.Headers;
        // Revalidate every time: the entity tag makes that a 304 without a body until Monitor is upgraded,
        // and an upgrade never mixes a new page with old cached scripts.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: new EntityTagHeaderValue(asset.EntityTag));
    }
}
