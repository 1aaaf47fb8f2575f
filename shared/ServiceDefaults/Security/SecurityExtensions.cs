using MassTransit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.Security;

/// <summary>
/// Authentication and scopes for a service (docs/security.md): API keys checked against the process's
/// <see cref="ApiKeyDirectory"/>, OpenID Connect access tokens when <c>Security:Oidc:Authority</c> is set
/// (<see cref="OidcTokens"/>), and one authorization policy per scope. An endpoint names its scope with
/// <see cref="RequireScope{TBuilder}"/>; without a credential it answers 401, with one that lacks the scope 403, both
/// as problem details. With <c>Security:Enabled=false</c> every policy passes.
/// </summary>
public static class SecurityExtensions
{
    /// <summary>
    /// The default scheme when OpenID Connect tokens are on (<see cref="OidcOptions.Authority"/>): it forwards a request
    /// that carries an API key to <see cref="ApiKeyAuthenticationHandler"/> and any other to the token handler
    /// (<see cref="OidcTokens"/>). Without tokens the key scheme is the default.
    /// </summary>
    public const string KeyOrTokenScheme = "ApiKeyOrToken";

    /// <summary>What every scope's policy name starts with.</summary>
    public const string PolicyPrefix = "scope:";

    /// <summary>The policy of <paramref name="scope"/>.</summary>
    public static string PolicyOf(string scope) => PolicyPrefix + scope;

    /// <summary>
    /// Adds the key directory, the API key scheme (and the token scheme when <c>Security:Oidc:Authority</c> is set), the
    /// scope policies and the readiness check <c>api-keys</c> (once, however many services of the process ask;
    /// <c>AddServiceDefaults</c> calls it). An endpoint without a scope of its own requires <see cref="Scopes.Admin"/>
    /// (the fallback policy), so one added without thought is closed, not open.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformSecurity(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(service => service.ServiceType == typeof(ApiKeyDirectory)))
            return builder;
        builder.AddValidatedOptions<SecurityOptions>(SecurityOptions.SectionName);
        var enabled = builder.Configuration.GetSection(SecurityOptions.SectionName).GetValue(nameof(SecurityOptions.Enabled), true);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ApiKeyDirectory>();
        if (!enabled)
            builder.Services.AddHostedService<SecurityOffWarning>();
        // Read before validation because it decides what is registered; the validated options configure the handler.
        var tokens = !string.IsNullOrWhiteSpace(builder.Configuration[$"{SecurityOptions.SectionName}:{nameof(SecurityOptions.Oidc)}:{nameof(OidcOptions.Authority)}"]);
        var authentication = builder.Services.AddAuthentication(tokens ? KeyOrTokenScheme : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (tokens)
        {
            // A key (X-Api-Key, or a bearer token that starts with mlp_) goes to the key handler, anything else to the
            // token handler, which also answers a request without a credential (401 with WWW-Authenticate: Bearer).
            authentication.AddPolicyScheme(KeyOrTokenScheme, "API key or OpenID Connect token", options =>
                options.ForwardDefaultSelector = context =>
                    ApiKeyAuthenticationHandler.KeyOf(context.Request) is null ? OidcTokens.SchemeName : ApiKeyAuthenticationHandler.SchemeName);
            authentication.AddJwtBearer(OidcTokens.SchemeName, _ => { });
            builder.Services.AddOptions<JwtBearerOptions>(OidcTokens.SchemeName)
                .Configure<IOptions<SecurityOptions>>((jwt, security) => OidcTokens.Configure(jwt, security.Value.Oidc));
        }

        builder.Services.AddAuthorization(options =>
        {
            foreach (var scope in Scopes.All)
                options.AddPolicy(PolicyOf(scope), ScopePolicy(scope, enabled));
            options.FallbackPolicy = ScopePolicy(Scopes.Admin, enabled);
        });
        builder.Services.AddHealthChecks().AddCheck<ApiKeysHealthCheck>("api-keys", tags: [HealthCheckExtensions.ReadyTag]);
        return builder;
    }

    private static AuthorizationPolicy ScopePolicy(string scope, bool enabled) =>
        new AuthorizationPolicyBuilder()
            .RequireAssertion(context => !enabled || context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope))
            .Build();

    /// <summary>
    /// Follows the key owner's list of API keys (<see cref="ApiKeysSync"/>, and <see cref="ApiKeysChangedConsumer"/> on a
    /// temporary queue of the process's own, so every replica hears every change). Call it after
    /// <see cref="AddPlatformSecurity"/>, before <c>AddMessageBus</c>; once per process.
    /// </summary>
    public static IHostApplicationBuilder AddApiKeysSync(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(service => service.ServiceType == typeof(ApiKeysSync)))
            return builder;
        builder.Services.AddSingleton<ApiKeysSync>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<ApiKeysSync>());
        var instance = NewId.NextGuid().ToString("N")[..12];
        builder.AddMessageConsumers(bus => bus.AddConsumer<ApiKeysChangedConsumer>().Endpoint(endpoint =>
        {
            endpoint.InstanceId = instance;
            endpoint.Temporary = true;
        }));
        return builder;
    }

    /// <summary>
    /// Authentication and authorization, inside the problem details handling (so a 401 or 403 is a problem details
    /// answer), after a 503 for every endpoint that needs a credential while the process has not received the keys
    /// yet; nothing when the service added no security (<see cref="AddPlatformSecurity"/>).
    /// </summary>
    public static WebApplication UsePlatformSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<ApiKeyDirectory>() is not { } directory)
            return app;
        if (app.Configuration.GetSection(SecurityOptions.SectionName).GetValue(nameof(SecurityOptions.Enabled), true))
            app.Use((context, next) => KeysNotLoaded(context, directory) is { } unavailable ? unavailable.ExecuteAsync(context) : next(context));
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    // Until the first list of keys arrives no credential can be checked: 503 with Retry-After, not a misleading 401.
    private static ProblemHttpResult? KeysNotLoaded(HttpContext context, ApiKeyDirectory directory)
    {
        if (directory.IsLoaded || context.GetEndpoint() is not { } endpoint || EndpointScope.Of(endpoint.Metadata) is null)
            return null;
        context.Response.Headers.RetryAfter = "2";
        return TypedResults.Problem(
            "This service has not received the platform's API keys from the key owner (the Retrainer) yet; try again shortly.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "API keys not received yet",
            type: ProblemTypes.ServiceUnavailable);
    }

    /// <summary>Requires <paramref name="scope"/> (one of <see cref="Scopes.All"/>) of the caller of <paramref name="builder"/>'s endpoints.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!Scopes.IsKnown(scope))
            throw new ArgumentException($"'{scope}' is not a scope; one of {string.Join(", ", Scopes.All)}", nameof(scope));
        return builder.RequireAuthorization(PolicyOf(scope));
    }
}
