using ServiceDefaults.Pages;

namespace FeatureBuilder.Endpoints;

/// <summary>
/// The try-it page (docs/try-it.md): <c>/try/</c> serves a page (TryIt/Assets, embedded as <c>try/*</c> by
/// FeatureBuilder.csproj) that lists the served models and builds a form from a model's description,
/// <c>/try/&lt;file&gt;</c> its script and styles, and <c>/try</c> redirects to <c>/try/</c>, <c>?model=</c> kept
/// (<see cref="PageEndpoints"/>). The page is open; every call it makes to the API carries the key a person types into it.
/// </summary>
public static class TryItEndpoints
{
    /// <summary>Maps the try-it page and its files.</summary>
    public static IEndpointRouteBuilder MapTryIt(this IEndpointRouteBuilder app) =>
        app.MapPage("try", typeof(TryItEndpoints).Assembly, "TryIt", "Try it");
}
