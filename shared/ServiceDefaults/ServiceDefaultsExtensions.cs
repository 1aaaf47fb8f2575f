using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ServiceDefaults.Audit;
using ServiceDefaults.Grpc;
using ServiceDefaults.Randomness;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace ServiceDefaults;

/// <summary>
/// What every service adds first and maps first. A service's Program.cs reads:
/// <code>
/// var builder = WebApplication.CreateBuilder(args);
/// builder.AddServiceDefaults();
/// builder.AddInference();          // the service's own AddX (may call AddMessageConsumers)
/// builder.AddMessageBus();         // once, after every AddX
/// var app = builder.Build();
/// app.MapDefaultEndpoints();
/// app.MapInference();
/// app.Run();
/// </code>
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Adds OpenTelemetry (traces, metrics, logs; OTLP export only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// is set), the live and ready health checks, RFC 9457 problem details for every error, the service's
    /// OpenAPI document, security and rate limits (<see cref="RateLimitExtensions.AddPlatformRateLimits"/>), the shared JSON
    /// options, <see cref="TimeProvider.System"/>, the process's <see cref="Random"/>
    /// (<see cref="RandomnessExtensions.AddRandomness"/>), the publisher of audit records (<see cref="AuditPublisher"/>) and,
/// when <c>Grpc:Url</c> is set, a cleartext HTTP/2 port for gRPC (<see cref="GrpcListener"/>).
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddDefaultTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddDefaultProblemDetails();
        builder.AddDefaultOpenApi();
        builder.AddPlatformSecurity();
        builder.AddPlatformRateLimits();
        builder.Services.ConfigureHttpJsonOptions(options => ApiJson.Apply(options.SerializerOptions));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddRandomness();
        builder.AddAuditLog();
        builder.AddGrpcListener();

        return builder;
    }

    /// <summary>
    /// Installs the request metrics, the audit of admin calls (<see cref="AuditMiddleware"/>, outside the error handling so
    /// it records the status the client got), the error handling (problem details for exceptions and for empty error
    /// responses, the 401 and 403 of <see cref="SecurityExtensions"/> and the 429 of <see cref="RateLimitExtensions"/> among them),
    /// the failed authentication guard, authentication and authorization, then the rate limits, and maps <c>/metrics</c> (Prometheus), <c>/health/live</c>, <c>/health/ready</c> and the
    /// service's OpenAPI document <c>/openapi/v1.json</c> in every environment. Call it first after
    /// <c>Build()</c>, so that the error handling wraps every endpoint the service maps after it.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.UseDefaultTelemetry();
        app.UseAuditLog();
        app.UseDefaultProblemDetails();
        app.UseFailedAuthenticationGuard();
        app.UsePlatformSecurity();
        app.UsePlatformRateLimits();
        app.MapDefaultHealthChecks();
        app.MapDefaultOpenApi();

        return app;
    }
}
