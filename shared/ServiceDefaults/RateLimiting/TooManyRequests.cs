using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ServiceDefaults.RateLimiting;

/// <summary>The answer to a request over a limit: 429 problem details naming the limit, with <c>Retry-After</c> in seconds.</summary>
public static class TooManyRequests
{
    /// <summary>The problem details member that names the limit: a kind (<see cref="RateLimitKinds"/>), <see cref="ConcurrentUploads"/> or <see cref="FailedAuthentication"/>.</summary>
    public const string LimitMember = "rateLimit";

    /// <summary>The limit on uploads in progress in one process.</summary>
    public const string ConcurrentUploads = "concurrent-uploads";

    /// <summary>The limit on failed authentications from one client address.</summary>
    public const string FailedAuthentication = "failed-authentication";

    /// <summary>The wait the lease asks for, else <paramref name="fallback"/>.</summary>
    public static TimeSpan RetryAfterOf(RateLimitLease lease, TimeSpan fallback)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : fallback;
    }

    /// <summary>Writes the answer: status 429, <c>Retry-After</c> (whole seconds, at least 1) and the problem details.</summary>
    public static Task WriteAsync(HttpContext context, string limit, string detail, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seconds = (long)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problem(limit, detail).ExecuteAsync(context);
    }

    private static ProblemHttpResult Problem(string limit, string detail) => TypedResults.Problem(
        detail,
        statusCode: StatusCodes.Status429TooManyRequests,
        title: "Too many requests",
        type: ProblemTypes.TooManyRequests,
        extensions: new Dictionary<string, object?> { [LimitMember] = limit });
}
