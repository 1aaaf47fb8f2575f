using System.Text.Json.Nodes;
using Gateway.OpenApi;
using Microsoft.AspNetCore.Authorization;
using ServiceDefaults.Grpc;
using ServiceDefaults.Security;

namespace Gateway.Security;

/// <summary>
/// The policy of every proxied route (<see cref="OperationScopeRouteFilter"/>): the caller has the scope the public
/// OpenAPI document gives the operation, or for a gRPC method the scope <see cref="GrpcOperations"/> gives it. A path
/// the document does not describe (an unknown path, or a service whose document could not be read) needs a valid
/// credential, and the service behind decides on the scope.
/// </summary>
public sealed class OperationScopeRequirement : IAuthorizationRequirement
{
    /// <summary>The policy's name.</summary>
    public const string PolicyName = "operation-scope";
}

/// <summary>Decides <see cref="OperationScopeRequirement"/> against the public document's operations.</summary>
public sealed class OperationScopeHandler(PublicApiDocument document, IConfiguration configuration) : AuthorizationHandler<OperationScopeRequirement>
{
    private readonly Lock _lock = new();
    private (string Json, OperationScopes Scopes)? _parsed;

    /// <inheritdoc />
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationScopeRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!configuration.GetSection(SecurityOptions.SectionName).GetValue(nameof(SecurityOptions.Enabled), true))
        {
            context.Succeed(requirement);
            return;
        }

        if (context.Resource is not HttpContext http)
            return;
        // gRPC methods are not in the document: their scopes are in one table of their own.
        var operation = GrpcOperations.Find(http.Request.Path.Value) is { } grpc
            ? new OperationScope(grpc.Scope)
            : (await ScopesAsync(http.RequestAborted)).Find(http.Request.Method, http.Request.Path);
        var allowed = operation switch
        {
            { Scope: null } => true,
            { Scope: { } scope } => context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope),
            null => context.User.Identity?.IsAuthenticated == true,
        };
        if (allowed)
            context.Succeed(requirement);
    }

    // The document is cached by PublicApiDocument; it is parsed again only when it was built again.
    private async Task<OperationScopes> ScopesAsync(CancellationToken cancellationToken)
    {
        var json = await document.GetJsonAsync(cancellationToken);
        lock (_lock)
        {
            if (_parsed is { } parsed && ReferenceEquals(parsed.Json, json))
                return parsed.Scopes;
        }

        var scopes = OperationScopes.Of(JsonNode.Parse(json) as JsonObject ?? []);
        lock (_lock)
            _parsed = (json, scopes);
        return scopes;
    }
}
