using MassTransit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Security;

/// <summary>
/// Authentication and scopes for a service (docs/security.md): API keys checked against the process's
/// <see cref="ApiKeyDirectory"/>, and one authorization policy per scope. An endpoint names its scope with
/// <see cref="RequireScope{TBuilder}"/>; without a credential it answers 401, with one that lacks the scope 403, both
/// as problem details. With <c>Security:Enabled=false</c> every policy passes.
/// </summary>
public static class SecurityExtensions
{
    /// <summary>The policy of <paramref name="scope"/>.</summary>
    public static string PolicyOf(string scope) => $"scope:{scope}";

    /// <summary>Adds the key directory, the API key scheme and the scope policies (once, however many services of the process ask).</summary>
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
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(options =>
        {
            foreach (var scope in Scopes.All)
            {
                options.AddPolicy(PolicyOf(scope), policy => policy.RequireAssertion((AuthorizationHandlerContext context) =>
                    !enabled || context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope)));
            }
        });
        return builder;
    }

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
    /// answer); nothing when the service added no security (<see cref="AddPlatformSecurity"/>).
    /// </summary>
    public static WebApplication UsePlatformSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<ApiKeyDirectory>() is null)
            return app;
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
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
