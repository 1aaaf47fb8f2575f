using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Integration.Tests;

/// <summary>
/// A minimal OTLP/HTTP receiver: a real HTTP server on 127.0.0.1 that accepts <c>POST /v1/traces</c>,
/// <c>/v1/metrics</c> and <c>/v1/logs</c>, records each body and answers 200 with an empty (valid) protobuf
/// response.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpExport> _exports;

    private OtlpReceiver(WebApplication app, ConcurrentQueue<OtlpExport> exports, Uri endpoint)
    {
        _app = app;
        _exports = exports;
        Endpoint = endpoint;
    }

    /// <summary>The base address to put in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public Uri Endpoint { get; }

    public IReadOnlyList<OtlpExport> Exports => [.. _exports];

    /// <summary>Starts a receiver on a port of its own on 127.0.0.1 (the kernel's choice: never one another receiver or run uses).</summary>
    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();

        var exports = new ConcurrentQueue<OtlpExport>();
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            exports.Enqueue(new OtlpExport(signal, request.ContentType ?? "", body.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });

        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        return new OtlpReceiver(app, exports, address);
    }

    /// <summary>Waits for an export of <paramref name="signal"/> (traces, metrics, logs) that contains <paramref name="text"/>.</summary>
    public async Task<OtlpExport> WaitForAsync(string signal, string text, TimeSpan timeout, ServiceProcess service)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_exports.FirstOrDefault(export => export.Signal == signal && export.Contains(text)) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        var received = string.Join(", ", _exports.GroupBy(export => export.Signal).Select(group => $"{group.Key}: {group.Count()}"));
        throw service.Failure(
            $"No {signal} export containing \"{text}\" reached the OTLP receiver within {timeout.TotalSeconds:0} s " +
            $"(received: {(received.Length == 0 ? "nothing" : received)}).");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One POST the receiver got.</summary>
public sealed record OtlpExport(string Signal, string ContentType, byte[] Body)
{
    /// <summary>Whether the protobuf body holds this string (protobuf stores strings as plain UTF-8).</summary>
    public bool Contains(string text) => Contains(Encoding.UTF8.GetBytes(text));

    /// <summary>Whether the protobuf body holds these bytes (e.g. a trace id, which OTLP stores as 16 raw bytes).</summary>
    public bool Contains(ReadOnlySpan<byte> bytes) => Body.AsSpan().IndexOf(bytes) >= 0;
}
