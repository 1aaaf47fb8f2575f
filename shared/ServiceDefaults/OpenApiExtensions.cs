using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace ServiceDefaults;

/// <summary>
/// Every service describes its own HTTP API in an OpenAPI document served at <see cref="DocumentPath"/>; the
/// gateway merges the public parts of these documents into the platform's public document.
/// </summary>
public static class OpenApiExtensions
{
    /// <summary>The name of each service's own document (the key of its <c>IOpenApiDocumentProvider</c>).</summary>
    public const string DocumentName = "v1";

    /// <summary>Where each service serves its own document.</summary>
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";

    internal static IHostApplicationBuilder AddDefaultOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer(ScopeDocumentation.AddSchemesAsync);
            options.AddOperationTransformer(ScopeDocumentation.AddRequirementAsync);
            options.AddOperationTransformer(RateLimitDocumentation.AddKindAsync);
        });
        return builder;
    }

    internal static WebApplication MapDefaultOpenApi(this WebApplication app)
    {
        // A literal path (the document name defaults to "v1"), so /openapi/{anything else}.json stays free
        // for the gateway's public document.
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        return app;
    }
}
