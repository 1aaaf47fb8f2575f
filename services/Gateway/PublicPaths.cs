namespace Gateway;

/// <summary>
/// The public API: everything under <c>/api</c> (the platform's own API) and <c>/v2</c> (the Open Inference
/// Protocol). The body limit applies to these paths and the public OpenAPI document lists only them;
/// health, metrics-like and documentation endpoints are not part of it.
/// </summary>
public static class PublicPaths
{
    private static readonly PathString[] Prefixes = [new("/api"), new("/v2")];

    /// <summary>Whether a request path is part of the public API.</summary>
    public static bool Contains(PathString path) =>
        Array.Exists(Prefixes, prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a path template of an OpenAPI document (e.g. <c>/v2/models/{model}/infer</c>) is part of the public API.</summary>
    public static bool Contains(string pathTemplate) =>
        pathTemplate.StartsWith('/') && Contains(new PathString(pathTemplate));
}
