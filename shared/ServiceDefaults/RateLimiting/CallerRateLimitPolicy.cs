using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.RateLimiting;

/// <summary>
/// The policy of one kind of request (<see cref="RateLimitKinds"/>): a token bucket per caller (<see cref="Callers.Of"/>)
/// sized by <see cref="RateLimitOptions"/>. Without a kind of its own (the gateway's <see cref="RateLimitKinds.ByOperationPath"/>)
/// it finds the request's kind by <see cref="RateLimitedOperations"/>, and a request of none passes.
/// </summary>
internal sealed class CallerRateLimitPolicy(string? kind) : IRateLimiterPolicy<string>
{
    private static readonly RateLimitPartition<string> Unlimited = RateLimitPartition.GetNoLimiter(string.Empty);

    /// <inheritdoc />
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    /// <inheritdoc />
    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        if (KindOf(httpContext) is not { } requestKind)
            return Unlimited;
        var options = httpContext.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        return RateLimitPartition.GetTokenBucketLimiter($"{requestKind} {Callers.Of(httpContext)}", _ => new TokenBucketRateLimiterOptions
        {
            // Filled continuously at one token per RefillOf (the partitioned limiter replenishes by the time passed),
            // and a refused request is told to retry after one such period.
            TokenLimit = options.Of(requestKind).Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = options.RefillOf(requestKind),
            QueueLimit = 0,
        });
    }

    private string? KindOf(HttpContext context) => kind ?? RateLimitedOperations.KindOf(context.Request.Method, context.Request.Path.Value);

    private async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        if (KindOf(context) is not { } requestKind)
        {
            // Only a request of a kind reaches a limiter; this is never reached.
            await TooManyRequests.WriteAsync(context, "unknown", "This caller has used up a rate limit.", TooManyRequests.RetryAfterOf(rejected.Lease, TimeSpan.FromSeconds(1)));
            return;
        }

        var retryAfter = TooManyRequests.RetryAfterOf(rejected.Lease, options.RefillOf(requestKind));
        var (perSecond, burst) = options.Of(requestKind);
        var name = RateLimitOptions.SettingOf(requestKind);
        var caller = Callers.Of(context).StartsWith("address:", StringComparison.Ordinal) ? "client address" : "caller";
        await TooManyRequests.WriteAsync(
            context,
            requestKind,
            $"This {caller} has used up its {requestKind} rate limit: {perSecond} per second on average, bursts of up to {burst} " +
            $"({RateLimitOptions.SectionName}:{name}PerSecond, {RateLimitOptions.SectionName}:{name}Burst).",
            retryAfter);
    }
}
