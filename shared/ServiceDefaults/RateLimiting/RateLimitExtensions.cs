using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ServiceDefaults.Security;

namespace ServiceDefaults.RateLimiting;

/// <summary>
/// Rate limits for a service (docs/security.md#rate-limits), with ASP.NET Core's rate limiting middleware: a token
/// bucket per caller for each kind of request (<see cref="RateLimitKinds"/>; an endpoint names its kind with
/// <c>.RequireRateLimiting</c>), at most <see cref="RateLimitOptions.MaxConcurrentUploads"/> uploads at once in the
/// process, and a guard against guessing keys (<see cref="FailedAuthenticationGuard"/>). Every refusal is 429 problem
/// details with <c>Retry-After</c>.
/// </summary>
public static class RateLimitExtensions
{
    /// <summary>Seconds a client is asked to wait when the process has <see cref="RateLimitOptions.MaxConcurrentUploads"/> uploads in progress.</summary>
    public static readonly TimeSpan ConcurrentUploadsRetryAfter = TimeSpan.FromSeconds(1);

    private static readonly RateLimitPartition<string> NotAnUpload = RateLimitPartition.GetNoLimiter("not-an-upload");

    /// <summary>
    /// Adds the settings (section <c>RateLimits</c>, validated at start-up), one policy per kind and the gateway's
    /// <see cref="RateLimitKinds.ByOperationPath"/>, the process's limit on concurrent uploads and the failed
    /// authentication guard; once, however many services of the process ask (<c>AddServiceDefaults</c> calls it).
    /// </summary>
    public static IHostApplicationBuilder AddPlatformRateLimits(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(service => service.ServiceType == typeof(FailedAuthenticationGuard)))
            return builder;
        builder.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.SectionName);
        builder.Services.AddSingleton<FailedAuthenticationGuard>();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            foreach (var kind in RateLimitKinds.All)
                options.AddPolicy(kind, new CallerRateLimitPolicy(kind));
            options.AddPolicy(RateLimitKinds.ByOperationPath, new CallerRateLimitPolicy(kind: null));
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(UploadsInProgress);
            // The policies answer for their own limits; what reaches this is the global limiter's.
            options.OnRejected = (rejected, _) => new ValueTask(ConcurrentUploadsRefusedAsync(rejected.HttpContext));
        });
        return builder;
    }

    /// <summary>
    /// Installs the failed authentication guard: before authentication, a request from a refused address that carries a
    /// credential or needs one is answered 429; after it, a 401 whose credential failed counts against the address.
    /// Call it inside the problem details handling, before <see cref="SecurityExtensions.UsePlatformSecurity"/>;
    /// nothing with <c>Security:Enabled=false</c> or when the service added no rate limits.
    /// </summary>
    public static WebApplication UseFailedAuthenticationGuard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<FailedAuthenticationGuard>() is not { } guard
            || !app.Configuration.GetSection(SecurityOptions.SectionName).GetValue(nameof(SecurityOptions.Enabled), true))
            return app;
        app.Use(async (context, next) =>
        {
            if (!CarriesCredential(context.Request) && (context.GetEndpoint() is not { } endpoint || EndpointScope.Of(endpoint.Metadata) is null))
            {
                await next(context);
                return;
            }

            var address = Callers.AddressOf(context);
            if (guard.IsRefused(address, out var retryAfter))
            {
                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                await TooManyRequests.WriteAsync(
                    context,
                    TooManyRequests.FailedAuthentication,
                    $"This client address failed to authenticate {options.FailedAuthenticationLimit} times within {options.FailedAuthenticationWindow} " +
                    $"({RateLimitOptions.SectionName}:FailedAuthenticationLimit, {RateLimitOptions.SectionName}:FailedAuthenticationWindow); " +
                    "no request with a credential is taken from it until the window ends.",
                    retryAfter);
                return;
            }

            await next(context);
            // The authentication handler's result is kept for the request, so asking again costs nothing.
            if (context.Response.StatusCode == StatusCodes.Status401Unauthorized && (await context.AuthenticateAsync()).Failure is not null)
                guard.RecordFailure(address);
        });
        return app;
    }

    /// <summary>
    /// Installs the rate limiting middleware. Call it after <see cref="SecurityExtensions.UsePlatformSecurity"/> (the
    /// partitions need the authenticated caller, and a request refused 401 or 403 costs its caller nothing), inside the
    /// problem details handling; nothing when the service added no rate limits.
    /// </summary>
    public static WebApplication UsePlatformRateLimits(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<FailedAuthenticationGuard>() is null)
            return app;
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The kind of <paramref name="context"/>'s request: its endpoint's policy, or the gateway's path table for a proxied route.</summary>
    public static string? KindOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        if (policy == RateLimitKinds.ByOperationPath)
            return RateLimitedOperations.KindOf(context.Request.Method, context.Request.Path.Value);
        return RateLimitKinds.IsKind(policy) ? policy : null;
    }

    private static bool CarriesCredential(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName);

    private static RateLimitPartition<string> UploadsInProgress(HttpContext context)
    {
        if (KindOf(context) != RateLimitKinds.Uploads)
            return NotAnUpload;
        var limit = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.MaxConcurrentUploads;
        return RateLimitPartition.GetConcurrencyLimiter(RateLimitKinds.Uploads, _ => new ConcurrencyLimiterOptions { PermitLimit = limit, QueueLimit = 0 });
    }

    private static Task ConcurrentUploadsRefusedAsync(HttpContext context)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.MaxConcurrentUploads;
        return TooManyRequests.WriteAsync(
            context,
            TooManyRequests.ConcurrentUploads,
            $"This service is receiving {limit} uploads already, its most at once ({RateLimitOptions.SectionName}:MaxConcurrentUploads); try again shortly.",
            ConcurrentUploadsRetryAfter);
    }
}
