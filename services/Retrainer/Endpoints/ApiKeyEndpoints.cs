using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Retrainer.Keys;
using ServiceDefaults.Security;

namespace Retrainer.Endpoints;

/// <summary>
/// <c>/api/v1/keys</c> (docs/security.md), scope <c>admin</c>: create a key (the key is in the answer once, never
/// again), list the keys (never their secrets), revoke one.
/// </summary>
public static class ApiKeyEndpoints
{
    private const int MaxNameLength = 200;

    /// <summary>Maps the key endpoints.</summary>
    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/v1/keys").WithTags("Keys").RequireScope(Scopes.Admin);
        keys.MapPost("/", CreateAsync).WithName("CreateApiKey").WithSummary("Creates an API key with scopes (predict, feedback, read, admin) and an optional expiry; the key is shown in this answer only.")
            .ProducesValidationProblem();
        keys.MapGet("/", ListAsync).WithName("ListApiKeys").WithSummary("Every API key, revoked ones included, without secrets.");
        keys.MapDelete("/{keyId}", RevokeAsync).WithName("RevokeApiKey").WithSummary("Revokes an API key: every service refuses it from the next request it checks.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> CreateAsync(
        ApiKeyRequestBody? body, ApiKeys keys, TimeProvider time, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var name = body?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
            errors["name"] = [$"is required: 1 to {MaxNameLength} characters, no control characters."];
        if (body?.Scopes is not { Count: > 0 } scopes || scopes.Any(scope => !Scopes.IsKnown(scope)))
            errors["scopes"] = [$"must list one or more of {string.Join(", ", Scopes.All)}."];
        if (body?.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
            errors["expiresAt"] = ["must be in the future."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "Invalid API key");

        var (stored, key) = await keys.CreateAsync(name!, body!.Scopes!, body.ExpiresAt, CallerOf(user), cancellationToken);
        return TypedResults.Created($"/api/v1/keys/{stored.KeyId}", new CreatedApiKey(key, ApiKeyView.Of(stored)));
    }

    private static async Task<Ok<ApiKeyList>> ListAsync(ApiKeys keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ApiKeyList([.. (await keys.ListAsync(cancellationToken)).Select(ApiKeyView.Of)]));

    private static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> RevokeAsync(string keyId, ApiKeys keys, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        await keys.RevokeAsync(keyId, CallerOf(user), cancellationToken) is { } revoked
            ? TypedResults.Ok(ApiKeyView.Of(revoked))
            : TypedResults.Problem($"There is no API key '{keyId}'.", statusCode: StatusCodes.Status404NotFound, title: "API key not found");

    // Who asked: the key id or the token's subject; "anonymous" with security turned off.
    private static string CallerOf(ClaimsPrincipal user) => user.FindFirst("sub")?.Value ?? "anonymous";
}

/// <summary>The body of <c>POST /api/v1/keys</c>.</summary>
/// <param name="Name">What the key is for.</param>
/// <param name="Scopes">Its scopes.</param>
/// <param name="ExpiresAt">When it stops working (optional).</param>
public sealed record ApiKeyRequestBody(string? Name, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt);

/// <summary>A created key: the key itself, shown this once, and its description.</summary>
/// <param name="Key">The key, to send as <c>Authorization: Bearer &lt;key&gt;</c>.</param>
/// <param name="Description">The key as listed.</param>
public sealed record CreatedApiKey(string Key, ApiKeyView Description);

/// <summary>A key as listed: never its secret or hash.</summary>
/// <param name="KeyId">Its id.</param>
/// <param name="Name">What it is for.</param>
/// <param name="Scopes">Its scopes.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="ExpiresAt">When it stops working, or null.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
public sealed record ApiKeyView(string KeyId, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    /// <summary>The view of a stored key.</summary>
    public static ApiKeyView Of(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.KeyId, key.Name, key.Scopes, key.CreatedAt, key.CreatedBy, key.ExpiresAt, key.RevokedAt);
    }
}

/// <summary>Every key.</summary>
/// <param name="Keys">Oldest first.</param>
public sealed record ApiKeyList(IReadOnlyList<ApiKeyView> Keys);
