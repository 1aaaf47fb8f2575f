using System.Net;
using Contracts.Ingest;
using Contracts.Security;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceDefaults.Audit;
using ServiceDefaults.Security;

namespace ServiceDefaults.Tests.Audit;

/// <summary>
/// The audit of admin calls, on a real Kestrel server on 127.0.0.1 with the platform's defaults and the MassTransit test
/// harness as its bus: every POST, PUT, PATCH or DELETE to an endpoint that requires <c>admin</c> is published as
/// <see cref="AuditRecorded"/> with who called, what and the result, refused (401, 403) and failed (500) calls included,
/// and sent to <c>platform.events</c> as <c>audit.&lt;outcome&gt;.&lt;service&gt;</c>; reads and calls to endpoints of
/// other scopes (predictions) are not.
/// </summary>
public sealed class AuditMiddlewareTests
{
    private const string ServiceName = "ServiceDefaults.Tests";
    private const string OtherPolicy = "operation-scope";

    [Fact]
    public async Task Admin_calls_are_recorded_with_who_what_and_result_and_predictions_and_reads_are_not()
    {
        var clock = new ManualClock();
        var (adminId, admin) = ApiKeySecret.Create();
        var (predictorId, predictor) = ApiKeySecret.Create();
        await using var service = await StartAsync(clock, new ApiKeysChanged(
        [
            new ApiKeyEntry(adminId, ApiKeySecret.Hash(admin), Scopes.All, null),
            new ApiKeyEntry(predictorId, ApiKeySecret.Hash(predictor), [Scopes.Predict], null),
        ], clock.Now));
        var longName = new string('x', 300);

        // One connection, so each call's record is handed over before the next call is read (Kestrel runs a
        // response's OnCompleted callbacks before it reads the next request of the connection).
        Assert.Equal(HttpStatusCode.Created, await SendAsync(service, HttpMethod.Post, "/admin/things/lamp", admin));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(service, HttpMethod.Delete, "/admin/things/lamp", key: null));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(service, HttpMethod.Delete, "/admin/things/lamp", predictor));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(service, HttpMethod.Post, "/predict", predictor));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(service, HttpMethod.Get, "/admin/things", admin));
        Assert.Equal(HttpStatusCode.InternalServerError, await SendAsync(service, HttpMethod.Put, "/admin/broken", admin));
        Assert.Equal(HttpStatusCode.Created, await SendAsync(service, HttpMethod.Post, $"/admin/things/{longName}%0A", admin));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(service, HttpMethod.Post, "/unscoped", admin));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(service, HttpMethod.Post, "/proxied", admin));
        // The barrier: once this last call is published, every call before it has been.
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(service, HttpMethod.Delete, "/admin/things/marker", admin));
        var published = await UntilAsync(() => Published(service), records => records.Any(record => record.Path == "/admin/things/marker"));

        Assert.Equal(
        [
            ($"key:{adminId}", "POST", "/admin/things/{thing}", "/admin/things/lamp", 201, AuditOutcomes.Succeeded),
            ("anonymous", "DELETE", "/admin/things/{thing}", "/admin/things/lamp", 401, AuditOutcomes.Refused),
            ($"key:{predictorId}", "DELETE", "/admin/things/{thing}", "/admin/things/lamp", 403, AuditOutcomes.Refused),
            ($"key:{adminId}", "PUT", "/admin/broken", "/admin/broken", 500, AuditOutcomes.Failed),
            ($"key:{adminId}", "POST", "/admin/things/{thing}", $"/admin/things/{longName}?", 201, AuditOutcomes.Succeeded),
            ($"key:{adminId}", "POST", "/unscoped", "/unscoped", 200, AuditOutcomes.Succeeded),
            ($"key:{adminId}", "DELETE", "/admin/things/{thing}", "/admin/things/marker", 204, AuditOutcomes.Succeeded),
        ],
        published.Select(record => (record.Who, record.Method, record.Route, record.Path, record.Status, record.Outcome)));
        Assert.All(published, record => Assert.Equal((ServiceName, clock.Now), (record.Service, record.At)));
        Assert.Equal(published.Count, published.Select(record => record.Id).Distinct().Count());

        // What was changed is named by the route values, cut to 200 characters without control characters.
        Assert.Equal("lamp", published[0].RouteValues["thing"]);
        Assert.Equal(new string('x', 200) + "…", published[4].RouteValues["thing"]);
        Assert.Equal(("DeleteThing", "DeleteThing"), (published[1].Operation, published[^1].Operation));
        // What a call created is named by its answer's location.
        Assert.Equal(("/admin/things/lamp", null), (published[0].Location, published[1].Location));

        // The same records go to platform.events as plain JSON, routed by outcome and service.
        var sent = await UntilAsync(() => SentToPlatformEvents(service), records => records.Any(record => record.Message.Path == "/admin/things/marker"));
        Assert.Equal(published.Select(record => record.Id), sent.Select(record => record.Message.Id));
        Assert.Equal(
            ["audit.succeeded.servicedefaults-tests", "audit.refused.servicedefaults-tests", "audit.refused.servicedefaults-tests", "audit.failed.servicedefaults-tests"],
            sent.Take(4).Select(record => record.RoutingKey));
    }

    [Fact]
    public void Only_state_changing_methods_to_admin_routes_are_audited()
    {
        var admin = EndpointRequiring(Scopes.Admin);
        var predict = EndpointRequiring(Scopes.Predict);

        Assert.All(["POST", "PUT", "PATCH", "DELETE", "post"], method => Assert.True(AuditMiddleware.IsAudited(method, admin), method));
        Assert.All(["GET", "HEAD", "OPTIONS"], method => Assert.False(AuditMiddleware.IsAudited(method, admin), method));
        Assert.False(AuditMiddleware.IsAudited("POST", predict));
        Assert.True(AuditMiddleware.IsAudited("POST", EndpointRequiring(scope: null)));
        Assert.False(AuditMiddleware.IsAudited("POST", EndpointRequiring(scope: null, new AllowAnonymousAttribute())));
        Assert.False(AuditMiddleware.IsAudited("POST", EndpointRequiring(scope: null, new AuthorizeAttribute(OtherPolicy))));
        // The answer to a known path with another method (405) is no route of the service's.
        Assert.False(AuditMiddleware.IsAudited("POST", new Endpoint(_ => Task.CompletedTask, EndpointMetadataCollection.Empty, "405 HTTP Method Not Supported")));
    }

    private static List<AuditRecorded> Published(Service service) =>
        [.. service.Harness.Published.Select<AuditRecorded>(Snapshot).Select(message => message.Context.Message)];

    private static List<(AuditRecorded Message, string? RoutingKey)> SentToPlatformEvents(Service service) =>
        [.. service.Harness.Sent.Select<AuditRecorded>(Snapshot)
            .Where(message => message.Context.DestinationAddress?.AbsolutePath.EndsWith(PublicExchanges.Events, StringComparison.Ordinal) == true)
            .Select(message => (message.Context.Message, message.Context.RoutingKey()))];

    // A cancelled token makes the harness's lists return what they hold now instead of waiting for more.
    private static CancellationToken Snapshot => new(canceled: true);

    // Polls until the list holds what is asked for; the deadline only bounds a failing test.
    private static async Task<List<T>> UntilAsync<T>(Func<List<T>> read, Func<List<T>, bool> done)
    {
        var started = TimeProvider.System.GetTimestamp();
        var list = read();
        while (!done(list) && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(20);
            list = read();
        }

        Assert.True(done(list), $"{list.Count} record(s), not the one waited for");
        return list;
    }

    private static async Task<HttpStatusCode> SendAsync(Service service, HttpMethod method, string path, string? key)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (key is not null)
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        using var response = await service.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<Service> StartAsync(TimeProvider clock, ApiKeysChanged keys)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(clock);
        builder.AddServiceDefaults();
        builder.AddPlatformSecurity();
        builder.Services.AddAuthorization(options => options.AddPolicy(OtherPolicy, policy => policy.RequireAuthenticatedUser()));
        builder.Services.AddMassTransitTestHarness(TextWriter.Null);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        var things = app.MapGroup("/admin").RequireScope(Scopes.Admin);
        things.MapGet("/things", () => Results.Ok());
        things.MapPost("/things/{thing}", (string thing) => Results.Created($"/admin/things/{Uri.EscapeDataString(thing)}", thing));
        things.MapDelete("/things/{thing}", (string thing) => Results.NoContent()).WithName("DeleteThing");
        things.MapPut("/broken", IResult () => throw new InvalidOperationException("a handler that fails"));
        app.MapPost("/predict", () => Results.Ok()).RequireScope(Scopes.Predict);
        // An endpoint that names no scope needs admin (the fallback policy); one under another policy (as the gateway's
        // proxied routes are) is left to the service behind it.
        app.MapPost("/unscoped", () => Results.Ok());
        app.MapPost("/proxied", () => Results.Ok()).RequireAuthorization(OtherPolicy);
        app.Services.GetRequiredService<ApiKeyDirectory>().Update(keys);
        await app.StartAsync();
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = new Uri(app.Urls.First()) };
        return new Service(app, client, app.Services.GetRequiredService<ITestHarness>());
    }

    private sealed record Service(WebApplication App, HttpClient Client, ITestHarness Harness) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    // A route that requires scope (none: it names none), marked by RequireScope as the services mark theirs, with other metadata.
    private static Endpoint EndpointRequiring(string? scope, params object[] metadata)
    {
        var endpoint = new RouteEndpointBuilder(_ => Task.CompletedTask, RoutePatternFactory.Parse("/x"), 0);
        foreach (var item in metadata)
            endpoint.Metadata.Add(item);
        if (scope is not null)
            new Conventions(endpoint).RequireScope(scope);
        return endpoint.Build();
    }

    private sealed class Conventions(EndpointBuilder endpoint) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention) => convention(endpoint);
    }
}
