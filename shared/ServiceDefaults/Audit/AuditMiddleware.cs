using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Contracts.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Modeling.Text;
using ServiceDefaults.Metrics;
using ServiceDefaults.Security;

namespace ServiceDefaults.Audit;

/// <summary>
/// Records every audited call (<see cref="IsAudited"/>: a POST, PUT, PATCH or DELETE to an endpoint that requires the
/// <c>admin</c> scope, named or by the fallback policy), whatever its answer: once the answer is complete (<c>Response.OnCompleted</c>), it hands an
/// <see cref="AuditRecorded"/> to the <see cref="AuditPublisher"/>, which publishes it in the background, so the call
/// waits for nothing. Predictions and feedback (scopes <c>predict</c> and <c>feedback</c>) and reads are not audited.
/// It keys off the endpoint's metadata (<see cref="EndpointScope"/>), so every admin endpoint of every service is covered
/// without code of its own. Runs outside the error handling, so it sees the
/// status the client got (a 500 for an exception, the 401 and 403 of authorization).
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditPublisher publisher, EndpointAttribution attribution, TimeProvider time)
{
    /// <summary>The caller of a call without a valid credential (or with security turned off).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The most characters of the called path, and of the answer's location, a record keeps.</summary>
    public const int MaxPathLength = 500;

    /// <summary>Runs the rest of the pipeline; registers the record of an audited call for when its answer is complete.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Read now: the exception handler clears the endpoint and the route values before it writes a 500.
        if (context.GetEndpoint() is { } endpoint && IsAudited(context.Request.Method, endpoint))
        {
            var call = new Call(
                endpoint,
                context.Request.Method,
                UserText.Shown(context.Request.Path.Value, MaxPathLength),
                RouteValuesOf(context.Request.RouteValues),
                Activity.Current?.TraceId.ToHexString());
            context.Response.OnCompleted(() =>
            {
                publisher.Enqueue(Record(call, context));
                return Task.CompletedTask;
            });
        }

        return next(context);
    }

    /// <summary>
    /// Whether a call with <paramref name="method"/> to <paramref name="endpoint"/> is audited: it changes state, and the
    /// endpoint (a route the service maps) needs <c>admin</c> by its own <see cref="SecurityExtensions.RequireScope{TBuilder}"/>
    /// or, naming no scope, by the fallback policy (<see cref="EndpointScope"/>). An endpoint under a policy other than the
    /// scopes' is not: the gateway's proxied routes, whose calls the service behind records.
    /// </summary>
    public static bool IsAudited(string method, Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return (HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method))
            && endpoint is RouteEndpoint
            && !endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(authorize =>
                authorize.Policy is { } policy && !policy.StartsWith(SecurityExtensions.PolicyPrefix, StringComparison.Ordinal))
            && EndpointScope.Of(endpoint.Metadata) == Scopes.Admin;
    }

    /// <summary>Who made a call: the <c>sub</c> claim (<c>key:&lt;key id&gt;</c> for an API key), else the name identifier, else <see cref="Anonymous"/>.</summary>
    public static string CallerOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.IsAuthenticated == true
            && (user.FindFirst("sub") ?? user.FindFirst(ClaimTypes.NameIdentifier)) is { Value.Length: > 0 } claim
                ? UserText.Shown(claim.Value, UserText.MaxKeyLength)
                : Anonymous;
    }

    private AuditRecorded Record(Call call, HttpContext context)
    {
        var at = time.GetUtcNow();
        var status = context.Response.StatusCode;
        var (service, route) = attribution.Of(call.Endpoint);
        return new AuditRecorded(
            Guid.CreateVersion7(at),
            at,
            CallerOf(context.User),
            service,
            call.Method,
            route,
            call.Path,
            call.RouteValues,
            context.Response.Headers.Location is [{ Length: > 0 } location] ? UserText.Shown(location, MaxPathLength) : null,
            status,
            AuditOutcomes.Of(status),
            call.Endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName,
            call.TraceId);
    }

    private static Dictionary<string, string> RouteValuesOf(RouteValueDictionary values)
    {
        var named = new Dictionary<string, string>(values.Count, StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (Convert.ToString(value, CultureInfo.InvariantCulture) is { } text)
                named[name] = UserText.Shown(text, UserText.MaxKeyLength);
        }

        return named;
    }

    // What is read of the call before the rest of the pipeline runs.
    private sealed record Call(Endpoint Endpoint, string Method, string Path, Dictionary<string, string> RouteValues, string? TraceId);
}
