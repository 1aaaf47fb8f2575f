using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace ServiceDefaults.Pages;

/// <summary>
/// Serves a browser page at <c>/&lt;path&gt;/</c> (its <c>index.html</c>) and <c>/&lt;path&gt;/&lt;file&gt;</c>, from
/// <see cref="PageFiles"/>; <c>/&lt;path&gt;</c> redirects to <c>/&lt;path&gt;/</c> (the query kept) so the page's
/// relative URLs (its files, and <c>../api/v1/…</c>) resolve the same directly and behind the gateway. The page is
/// open; the API calls it makes need their credential. Used by Monitor's dashboard and FeatureBuilder's try-it page.
/// </summary>
public static class PageEndpoints
{
    // Everything a page loads comes from this origin: its own files and the API. No inline script or style, no CDN,
    // and no form action (pages post with fetch).
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'none'";

    /// <summary>
    /// Maps the page at <c>/<paramref name="path"/>/</c> with the files <paramref name="assembly"/> embeds under
    /// <c><paramref name="path"/>/</c>; the endpoint is named <paramref name="name"/> and tagged <paramref name="tag"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapPage(this IEndpointRouteBuilder app, string path, Assembly assembly, string name, string tag)
    {
        ArgumentNullException.ThrowIfNull(app);
        var files = PageFiles.Load(assembly, path + "/");
        // The catch-all also matches /<path> itself, which Serve redirects.
        app.MapMethods($"/{path}/{{**file}}", [HttpMethods.Get, HttpMethods.Head], (string? file, HttpContext context) => Serve(path, files, file, context))
            .WithName(name)
            .WithTags(tag)
            .ExcludeFromDescription()
            .AllowAnonymous();
        return app;
    }

    private static Results<FileContentHttpResult, RedirectHttpResult, ProblemHttpResult> Serve(string path, PageFiles files, string? file, HttpContext context)
    {
        // Relative to /<path>, so the redirect also works under a path prefix a proxy adds; the query goes along.
        if (string.IsNullOrEmpty(file) && context.Request.Path.Value?.EndsWith('/') != true)
            return TypedResults.Redirect($"{path}/{context.Request.QueryString}");
        var name = string.IsNullOrEmpty(file) ? "index.html" : file;
        if (files.Find(name) is not { } page)
            return TypedResults.Problem($"The page /{path}/ has no file '{name}'. Open /{path}/.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

        var headers = context.Response.Headers;
        // Revalidate every time: the entity tag makes that a 304 without a body until the service is upgraded, and an
        // upgrade never mixes a new page with old cached scripts.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Bytes(page.Content, page.ContentType, entityTag: new EntityTagHeaderValue(page.EntityTag));
    }
}
