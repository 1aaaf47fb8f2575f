using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Security;

/// <summary>Logs a warning at every start of a process whose security is turned off (<c>Security:Enabled=false</c>).</summary>
public sealed partial class SecurityOffWarning(ILogger<SecurityOffWarning> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogOff(logger);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Security is turned off (Security__Enabled=false): every operation answers anyone, with no credential. Use it for local experiments only.")]
    private static partial void LogOff(ILogger logger);
}
