using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace ServiceDefaults.Security;

/// <summary>
/// <c>POST /api/v1/session</c> and <c>DELETE /api/v1/session</c>: the dashboard signs a browser in and out
/// (docs/dashboard.md, docs/security.md). Signing in checks the key sent as JSON (<c>{"key":"mlp_…"}</c>) and sets it
/// in the <see cref="SessionCookie"/>, which lets the browser read (only <c>GET</c> and <c>HEAD</c>, only the
/// <c>read</c> scope). Both are open: they are how a browser without a credential gets one, and what they do needs none.
/// Only JSON is read, which a plain HTML form on another site cannot send, so no site can sign a browser in with a key
/// of its own (login CSRF). Monitor maps them (it serves the dashboard); the gateway routes them to it.
/// </summary>
public static class SessionEndpoints
{
    /// <summary>The path of both operations.</summary>
    public const string Path = "/api/v1/session";

    /// <summary>The largest body a sign-in reads: a key is 60 characters.</summary>
    public const int MaxBodyBytes = 4096;

    /// <summary>Maps the two operations.</summary>
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var session = app.MapGroup(Path).WithTags("Session").AllowAnonymous();
        session.MapPost("", SignInAsync)
            .WithName("CreateSession")
            .WithSummary("Signs a browser in to the dashboard: checks an API key with the read scope and sets it in an HttpOnly, SameSite=Strict cookie that authenticates GET and HEAD requests with the read scope only.")
            .WithDescription("The body is JSON, {\"key\":\"mlp_…\"}; any other content type is refused (415), so a form on another site cannot sign a browser in. Open: it is how a browser without a credential gets one.")
            // The body is described here, not with Accepts: routing would answer another content type with an endpoint
            // of its own, which is not open, so a form would get the fallback policy's 401 instead of this 415.
            .AddOpenApiOperationTransformer(DescribeBodyAsync)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        session.MapDelete("", SignOut)
            .WithName("DeleteSession")
            .WithSummary("Signs a browser out of the dashboard: clears the session cookie. Open: it only makes the browser forget its own cookie.")
            .Produces(StatusCodes.Status204NoContent);
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SignInAsync(
        HttpContext context, ApiKeyDirectory directory, IOptions<SecurityOptions> options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        context.Response.Headers.CacheControl = "no-store";
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(
                $"Send the key as JSON, {{\"key\":\"mlp_…\"}} (content type application/json), not '{request.ContentType}'.",
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                type: ProblemTypes.UnsupportedMediaType);
        }

        if (request.ContentLength > MaxBodyBytes)
            return TooLarge();
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBodyBytes;

        string? key;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            key = document.RootElement is { ValueKind: JsonValueKind.Object } body
                && body.TryGetProperty("key", out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()?.Trim()
                    : null;
        }
        catch (JsonException exception)
        {
            return TypedResults.Problem(
                $"The body is not JSON: {exception.Message}",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed JSON",
                type: ProblemTypes.BadRequest);
        }

        if (string.IsNullOrEmpty(key))
            return InvalidParameter.Problem("key", "key is required: an API key (mlp_…) with the read scope, as a string.");
        if (!directory.IsLoaded)
            return SecurityExtensions.KeysNotReceived(context);

        var check = directory.Check(key);
        if (check.Outcome != ApiKeyOutcome.Valid)
        {
            var reason = check.Outcome switch
            {
                ApiKeyOutcome.Malformed => "The key is not an API key (mlp_<id>_<secret>).",
                ApiKeyOutcome.Expired => $"The API key {check.KeyId} has expired.",
                _ => "The key is not a valid API key: unknown or revoked.",
            };
            return KeyProblem(reason, StatusCodes.Status401Unauthorized, "Invalid API key", ProblemTypes.Unauthorized);
        }

        if (!check.Scopes.Contains(SessionCookie.Scope, StringComparer.Ordinal))
        {
            return KeyProblem(
                $"The API key {check.KeyId} does not have the '{SessionCookie.Scope}' scope the dashboard needs.",
                StatusCodes.Status403Forbidden, "Scope missing", ProblemTypes.Forbidden);
        }

        context.Response.Cookies.Append(SessionCookie.Name, key, SessionCookie.Options(request, options.Value.SecureSessionCookie));
        return TypedResults.NoContent();
    }

    private static NoContent SignOut(HttpContext context, IOptions<SecurityOptions> options)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Cookies.Delete(SessionCookie.Name, SessionCookie.Options(context.Request, options.Value.SecureSessionCookie));
        return TypedResults.NoContent();
    }

    private static async Task DescribeBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(SessionRequest), null, cancellationToken) },
            },
        };
    }

    // Named under errors.key, as a validation problem names its field, so the page can show it beside the input.
    private static ProblemHttpResult KeyProblem(string detail, int status, string title, string type) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: type,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["key"] = [detail] } });

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(
            $"A sign-in body is at most {MaxBodyBytes} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Request body too large",
            type: ProblemTypes.PayloadTooLarge);
}

/// <summary>The body of <c>POST /api/v1/session</c>.</summary>
/// <param name="Key">An API key (<c>mlp_…</c>) with the <c>read</c> scope.</param>
public sealed record SessionRequest(string Key);
