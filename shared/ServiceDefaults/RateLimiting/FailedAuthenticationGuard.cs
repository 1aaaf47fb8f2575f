using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.RateLimiting;

/// <summary>
/// Counts failed authentications per client address (<see cref="Callers.AddressOf"/>) in fixed windows of
/// <see cref="RateLimitOptions.FailedAuthenticationWindow"/>, starting at the address's first failure; an address
/// that has failed <see cref="RateLimitOptions.FailedAuthenticationLimit"/> times is refused until its window ends,
/// so keys cannot be guessed quickly. One per process; an address without failures costs nothing after a few seconds.
/// </summary>
public sealed partial class FailedAuthenticationGuard : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly RateLimitOptions _options;
    private readonly ILogger<FailedAuthenticationGuard> _logger;

    /// <summary>A guard with the process's settings.</summary>
    public FailedAuthenticationGuard(IOptions<RateLimitOptions> options, ILogger<FailedAuthenticationGuard> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = _options.FailedAuthenticationLimit,
            Window = _options.FailedAuthenticationWindow,
            QueueLimit = 0,
        }));
    }

    /// <summary>Whether <paramref name="address"/> is refused now, and for how long at most.</summary>
    public bool IsRefused(string address, out TimeSpan retryAfter)
    {
        // Asking for no permit tells whether any is left without taking one.
        using var lease = _failures.AttemptAcquire(address, 0);
        retryAfter = lease.IsAcquired ? TimeSpan.Zero : TooManyRequests.RetryAfterOf(lease, _options.FailedAuthenticationWindow);
        return !lease.IsAcquired;
    }

    /// <summary>Counts one failed authentication from <paramref name="address"/>.</summary>
    public void RecordFailure(string address)
    {
        using var lease = _failures.AttemptAcquire(address, 1);
        if (lease.IsAcquired && IsRefused(address, out _))
            LogRefused(_logger, address, _options.FailedAuthenticationLimit, _options.FailedAuthenticationWindow);
    }

    /// <inheritdoc />
    public void Dispose() => _failures.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client address {Address} failed to authenticate {Limit} times; its requests with a credential are refused (429) for up to {Window}")]
    private static partial void LogRefused(ILogger logger, string address, int limit, TimeSpan window);
}
