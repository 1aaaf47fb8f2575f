using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ServiceDefaults.Security;

/// <summary>
/// Writes each operation's scope into the service's OpenAPI document: the two ways to send a key as security schemes
/// (<see cref="BearerScheme"/>, <see cref="HeaderScheme"/>), and on every operation that needs a credential a security
/// requirement naming its scope (<see cref="EndpointScope"/>). The gateway enforces what the merged document says, the
/// API reference shows it, and the tests call every operation it lists.
/// </summary>
public static class ScopeDocumentation
{
    /// <summary>The scheme of <c>Authorization: Bearer &lt;key or token&gt;</c>.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>The scheme of <c>X-Api-Key: &lt;key&gt;</c>.</summary>
    public const string HeaderScheme = "apiKeyHeader";

    /// <summary>Adds the schemes to the document.</summary>
    public static Task AddSchemesAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key (mlp_…) or, where OpenID Connect is configured, an access token. The operation's scope is listed with it.",
        };
        document.Components.SecuritySchemes[HeaderScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key (mlp_…) in a header of its own.",
        };
        return Task.CompletedTask;
    }

    /// <summary>Adds the operation's security requirement with its scope; nothing for an open operation.</summary>
    public static Task AddRequirementAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (EndpointScope.Of(context.Description.ActionDescriptor.EndpointMetadata) is not { } scope)
            return Task.CompletedTask;
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [scope] });
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderScheme, context.Document)] = [scope] });
        return Task.CompletedTask;
    }
}
