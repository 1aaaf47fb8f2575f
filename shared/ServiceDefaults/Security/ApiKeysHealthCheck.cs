using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServiceDefaults.Security;

/// <summary>
/// Part of <c>/health/ready</c>: a service that has not received the platform's API keys cannot check a credential, so it
/// is not ready (a load balancer sends it no traffic). Always healthy with <c>Security:Enabled=false</c>.
/// </summary>
public sealed class ApiKeysHealthCheck(ApiKeyDirectory directory, IConfiguration configuration) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            directory.IsLoaded || !configuration.GetSection(SecurityOptions.SectionName).GetValue(nameof(SecurityOptions.Enabled), true)
                ? HealthCheckResult.Healthy("The platform's API keys are known.")
                : HealthCheckResult.Unhealthy("The platform's API keys have not been received from the key owner (the Retrainer) yet."));
}
