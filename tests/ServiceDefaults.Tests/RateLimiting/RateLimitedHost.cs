using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Threading.Channels;
using Contracts.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace ServiceDefaults.Tests.RateLimiting;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with the platform's defaults and one endpoint of each kind, as the services map
/// them: <c>POST /predict</c>, <c>POST /feedback</c>, <c>POST /upload</c> (held at <see cref="Uploads"/> until the test
/// lets it go) and <c>GET /read</c> (no limit). Clients can connect from 127.0.0.1 or from another loopback address.
/// </summary>
internal sealed class RateLimitedHost : IAsyncDisposable
{
    /// <summary>A second client address: Linux routes the whole of 127.0.0.0/8 to the loopback interface.</summary>
    public static readonly IPAddress OtherAddress = IPAddress.Parse("127.0.0.2");

    /// <summary>The rate the tests' buckets fill at: one request in 1000 s.</summary>
    public const string PerSecond = "0.001";

    /// <summary>What a refused caller is told to wait, in seconds: the time its bucket takes to gain one request.</summary>
    public const string RetryAfterSeconds = "1000";

    private readonly WebApplication _app;
    private readonly List<HttpClient> _clients = [];

    private RateLimitedHost(WebApplication app, Uri address, UploadGate uploads)
    {
        _app = app;
        Address = address;
        Uploads = uploads;
    }

    public Uri Address { get; }

    /// <summary>Where the uploads wait.</summary>
    public UploadGate Uploads { get; }

    /// <summary>
    /// Starts the host with <paramref name="settings"/> (the <c>RateLimits</c> section and <c>Security:Enabled</c>), every
    /// bucket filling at <see cref="PerSecond"/> unless a setting says otherwise (no bucket gains a request while a test
    /// runs), trusting <paramref name="keys"/>.
    /// </summary>
    public static async Task<RateLimitedHost> StartAsync(IReadOnlyDictionary<string, string?> settings, params ApiKeyEntry[] keys)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimits:PredictionsPerSecond"] = PerSecond,
            ["RateLimits:FeedbackPerSecond"] = PerSecond,
            ["RateLimits:UploadsPerSecond"] = PerSecond,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        var uploads = new UploadGate();
        builder.Services.AddSingleton(uploads);
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapPost("/predict", (HttpContext context) => Results.Text(context.User.FindFirst("sub")?.Value ?? "anonymous"))
            .RequireScope(Scopes.Predict).RequireRateLimiting(RateLimitKinds.Predictions);
        app.MapPost("/feedback", () => Results.Ok()).RequireScope(Scopes.Feedback).RequireRateLimiting(RateLimitKinds.Feedback);
        app.MapPost("/upload", async (UploadGate gate) =>
        {
            await gate.PassAsync();
            return Results.Ok();
        }).RequireScope(Scopes.Admin).RequireRateLimiting(RateLimitKinds.Uploads);
        app.MapGet("/read", () => Results.Ok()).RequireScope(Scopes.Read);
        TestKeys.Trust(app.Services, keys);
        await app.StartAsync();
        return new RateLimitedHost(app, new Uri(app.Urls.First()), uploads);
    }

    /// <summary>A client sending <paramref name="key"/> (none when null) from <paramref name="from"/> (127.0.0.1 by default).</summary>
    public HttpClient Client(string? key = null, IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler();
        if (from is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        var client = new HttpClient(handler) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Uploads.Release();
        foreach (var client in _clients)
            client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Holds every upload until <see cref="Release"/>, counting the uploads that have reached it.</summary>
    internal sealed class UploadGate
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<bool> _entered = Channel.CreateUnbounded<bool>();
        private volatile bool _holding;

        /// <summary>From now on, uploads wait at the gate.</summary>
        public void Hold() => _holding = true;

        /// <summary>Lets every waiting and later upload through.</summary>
        public void Release()
        {
            _holding = false;
            _released.TrySetResult();
        }

        /// <summary>Waits until <paramref name="count"/> uploads are at the gate.</summary>
        public async Task WaitUntilHeldAsync(int count)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            for (var i = 0; i < count; i++)
                await _entered.Reader.ReadAsync(deadline.Token);
        }

        internal Task PassAsync()
        {
            if (!_holding)
                return Task.CompletedTask;
            _entered.Writer.TryWrite(true);
            return _released.Task;
        }
    }
}
