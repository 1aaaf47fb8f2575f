using System.Text;
using Gateway.OpenApi;
using Scalar.AspNetCore;

namespace Gateway.Endpoints;

/// <summary>
/// <c>GET /openapi/public.json</c>, the platform's public OpenAPI document, and <c>/scalar</c>, a browsable
/// API reference of it.
/// </summary>
public static class PublicApiEndpoints
{
    /// <summary>Where the public OpenAPI document is served.</summary>
    public const string DocumentPath = "/openapi/public.json";

    /// <summary>Where the API reference is served.</summary>
    public const string ReferencePath = "/scalar";

    /// <summary>Maps the public document and the API reference.</summary>
    public static IEndpointRouteBuilder MapPublicApiDocument(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapGet(DocumentPath, GetDocumentAsync).ExcludeFromDescription().AllowAnonymous();
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle(PublicApiDocument.Title)
            .AddDocument("public", PublicApiDocument.Title, DocumentPath))
            .AllowAnonymous();
        return app;
    }

    private static async Task<IResult> GetDocumentAsync(PublicApiDocument document, CancellationToken cancellationToken) =>
        TypedResults.Text(await document.GetJsonAsync(cancellationToken), "application/json", Encoding.UTF8);
}
