using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Audit;

/// <summary>Adds the audit of admin calls to every service through the service defaults (docs/security.md#audit-log).</summary>
internal static class AuditExtensions
{
    internal static IHostApplicationBuilder AddAuditLog(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(AuditPublisher)))
            return builder;
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AuditPublisher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuditPublisher>());
        builder.Services.AddSingleton<IBusDrain>(services => services.GetRequiredService<AuditPublisher>());
        return builder;
    }

    // A host without a message bus (some tests) has nowhere to publish to: nothing is recorded. The bus is looked for
    // among the registrations, not resolved: building it here would check its settings before the host's start does.
    internal static WebApplication UseAuditLog(this WebApplication app)
    {
        var registered = app.Services.GetService<IServiceProviderIsService>();
        if (registered is not null && registered.IsService(typeof(AuditPublisher)) && registered.IsService(typeof(IBus)))
            app.UseMiddleware<AuditMiddleware>();
        return app;
    }
}
