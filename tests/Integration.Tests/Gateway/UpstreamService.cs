using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Integration.Tests.Gateway;

/// <summary>
/// A stand-in for a service behind the gateway: a Kestrel server on 127.0.0.1 that answers
/// <c>/health/ready</c>, serves a given <c>/openapi/v1.json</c>, and echoes every other request (method, path,
/// query, body) as JSON, after <c>?delayMs=</c> milliseconds when asked. It records what reached it.
/// </summary>
internal sealed class UpstreamService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _received = new();
    private int _documentRequests;

    private UpstreamService(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    /// <summary>The address to give the gateway as a destination.</summary>
    public string Address => _app.Urls.First();

    /// <summary>"METHOD /path?query" of every echoed request, in arrival order.</summary>
    public IReadOnlyCollection<string> Received => _received;

    /// <summary>How often <c>/openapi/v1.json</c> was asked for.</summary>
    public int DocumentRequests => Volatile.Read(ref _documentRequests);

    public static async Task<UpstreamService> StartAsync(string name, JsonObject? openApiDocument = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var upstream = new UpstreamService(name, app);

        app.MapGet("/health/ready", () => Results.Text("Healthy"));
        app.MapGet("/openapi/v1.json", () =>
        {
            Interlocked.Increment(ref upstream._documentRequests);
            return openApiDocument is null
                ? Results.NotFound()
                : Results.Text(openApiDocument.ToJsonString(), "application/json");
        });
        // A Delegate (not a RequestDelegate), so the returned IResult is written.
        app.Map("/{**path}", (Delegate)upstream.EchoAsync);

        await app.StartAsync();
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> EchoAsync(HttpContext context)
    {
        var request = context.Request;
        _received.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (int.TryParse(request.Query["delayMs"], out var delay))
            await Task.Delay(delay, context.RequestAborted);

        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        return Results.Json(new Echo(Name, request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", body));
    }
}

/// <summary>What <see cref="UpstreamService"/> answers: who received the request and what it was.</summary>
internal sealed record Echo(string Service, string Method, string Path, string Query, string Body);
