using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Inference.OpenInference.Grpc;
using Integration.Tests.OpenInference;

namespace Integration.Tests.Online;

/// <summary>
/// The distributed mode as tests run it: Retrainer, FeatureBuilder, two Inference replicas, FeedbackCollector,
/// Monitor and the Gateway, each its own process on 127.0.0.1, talking over a real RabbitMQ (a virtual host of
/// its own), serving the test model, exporting traces to an OTLP receiver. Started once per test class.
/// </summary>
public class DistributedSystem : IAsyncLifetime, IDisposable
{
    public static readonly object ExampleRecord = new { date = "2001-02-03T07:45:00", origin = "ORD", destination = "LAX", distance = 1744 };

    private static readonly TimeSpan StartTimeout = Deadlines.ProcessStart;
    private static readonly object WarmUpRecord = new { date = "2001-01-17T07:45:00", origin = "ORD", destination = "LAX", distance = 1744 };
    private readonly RabbitMqFixture _broker = new();
    // Tests restart services concurrently (both replicas at once) while others read the list.
    private readonly List<ServiceProcess> _services = [];
    private readonly Lock _servicesLock = new();
    private RabbitMqVirtualHost? _virtualHost;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private string? _storeFolder;
    private string? _modelsFolder;

    /// <summary>The system with the test settings.</summary>
    public DistributedSystem()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>The system with <paramref name="settings"/> (environment variables for every service) over the test settings, for fixtures that need other ones.</summary>
    protected DistributedSystem(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
    }

    public OtlpReceiver Telemetry { get; private set; } = null!;

    public ServiceProcess Gateway { get; private set; } = null!;

    public RabbitMqFixture Broker => _broker;

    public string VirtualHost => _virtualHost!.Name;

    /// <summary>The public API, through the gateway.</summary>
    public HttpClient Client => Gateway.Client;

    /// <summary>Every process's output, for failure messages.</summary>
    public string Output => string.Join("\n", Services().Select(service => $"=== {service.Name} ===\n{service.Output}"));

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        _virtualHost = await _broker.CreateVirtualHostAsync("online");
        Telemetry = await OtlpReceiver.StartAsync();
        _storeFolder = Path.Combine(Path.GetTempPath(), $"it-store-{Guid.NewGuid():N}");
        // The registry writes to its folder (uploads, retrained versions): each system has its own copy.
        if (!_settings.ContainsKey("Registry__ModelsFolder"))
            _modelsFolder = await TestModel.CopyOfModelsFolderAsync();

        var environment = new Dictionary<string, string>(_virtualHost.ServiceEnvironment())
        {
            ["Registry__ModelsFolder"] = _modelsFolder ?? "",
            ["Storage__DataFolder"] = _storeFolder,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            // Small chunks, one in flight: a test batch of a few hundred thousand rows takes long enough to
            // kill services in the middle of it.
            ["Batches__ChunkSize"] = "500",
            ["Batches__MaxChunksInFlight"] = "1",
            ["Batches__UploadFolder"] = Path.Combine(_storeFolder, "batches"),
            // Monitor: five-second buckets saved every second, so a timeline fills within a test.
            ["Monitoring__BucketDuration"] = "00:00:05",
            ["Monitoring__SaveInterval"] = "00:00:01",
            // A busy machine (two cores shared with the other test projects) may hold an answer for seconds: waits
            // that would turn that into a failed request are generous here; the tests of timeouts set their own.
            ["FeatureBuilder__InferenceTimeout"] = "00:00:30",
            // A replica that starts before the Retrainer listens loses its first question; ask again soon.
            ["ServedModels__RequestTimeout"] = "00:00:03",
            ["ServedModels__MaxRetryDelay"] = "00:00:02",
        };
        foreach (var (key, value) in _settings)
            environment[key] = value;

        var retrainer = Start("Retrainer", "retrainer", environment);
        // The replicas and the gateway also serve gRPC, each on a cleartext HTTP/2 port of its own; FeatureBuilder calls
        // the replicas' directly for online predictions, round robin.
        var grpc1 = new Uri(ServiceProcess.FreeGrpcUrl());
        var grpc2 = new Uri(ServiceProcess.FreeGrpcUrl());
        var featureBuilder = Start("FeatureBuilder", "featurebuilder", new Dictionary<string, string>(environment)
        {
            ["FeatureBuilder__InferenceAddress"] = $"static:///{grpc1.Authority},{grpc2.Authority}",
        });
        var inference1 = Start("Inference", "inference-1", new Dictionary<string, string>(environment) { [ServiceProcess.GrpcUrlVariable] = grpc1.ToString() });
        var inference2 = Start("Inference", "inference-2", new Dictionary<string, string>(environment) { [ServiceProcess.GrpcUrlVariable] = grpc2.ToString() });
        var feedback = Start("FeedbackCollector", "feedbackcollector", environment);
        var monitor = Start("Monitor", "monitor", environment);
        var gateway = new Dictionary<string, string>(environment)
        {
            [GatewayDestination("featurebuilder", "primary")] = featureBuilder.BaseAddress.ToString(),
            [GatewayDestination("inference", "replica1")] = inference1.BaseAddress.ToString(),
            [GatewayDestination("inference", "replica2")] = inference2.BaseAddress.ToString(),
            [GatewayDestination("inference-grpc", "replica1")] = inference1.GrpcAddress!.ToString(),
            [GatewayDestination("inference-grpc", "replica2")] = inference2.GrpcAddress!.ToString(),
            [ServiceProcess.GrpcUrlVariable] = ServiceProcess.FreeGrpcUrl(),
            [GatewayDestination("feedbackcollector", "primary")] = feedback.BaseAddress.ToString(),
            [GatewayDestination("monitor", "primary")] = monitor.BaseAddress.ToString(),
            [GatewayDestination("retrainer", "primary")] = retrainer.BaseAddress.ToString(),
        };
        foreach (var cluster in new[] { "featurebuilder", "inference", "inference-grpc", "feedbackcollector", "monitor", "retrainer" })
        {
            // A health probe or a request slower than the production limits (2 s, 10 s) on a busy machine would
            // take a healthy service out of rotation and fail requests no test here is about.
            gateway[$"ReverseProxy__Clusters__{cluster}__HealthCheck__Active__Timeout"] = "00:00:30";
            gateway[$"ReverseProxy__Clusters__{cluster}__HttpRequest__ActivityTimeout"] = "00:01:00";
        }

        foreach (var (key, value) in _settings.Where(setting => setting.Key.StartsWith("ReverseProxy__", StringComparison.Ordinal)))
            gateway[key] = value;
        Gateway = Start("Gateway", "gateway", gateway);

        foreach (var service in Services())
            await service.WaitUntilLiveAsync(StartTimeout);
        await WaitUntilPredictingAsync();
    }

    /// <summary>The running process of a service, by its name (<c>featurebuilder</c>, <c>inference-1</c>, …).</summary>
    public ServiceProcess Service(string name) => Services().Single(service => service.Name == name);

    /// <summary>
    /// Kills a service at once (as a crash would) and starts it again with the same settings on the same
    /// address (so the gateway finds it again); returns when it is live.
    /// </summary>
    public async Task<ServiceProcess> KillAndRestartAsync(string name)
    {
        var restarted = await Service(name).KillAndRestartAsync();
        lock (_servicesLock)
            _services[_services.FindIndex(service => service.Name == name)] = restarted;
        await restarted.WaitUntilLiveAsync(StartTimeout);
        return restarted;
    }

    /// <summary>Posts a JSON body to the public API.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, object body) =>
        Client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);

    public Xunit.Sdk.XunitException Failure(string message) => new($"{message}\n{Output}");

    public async Task DisposeAsync()
    {
        foreach (var service in Services())
            await service.DisposeAsync();
        await Telemetry.DisposeAsync();
        if (_virtualHost is not null)
            await _virtualHost.DisposeAsync();
        await _broker.DisposeAsync();
        foreach (var folder in new[] { _storeFolder, _modelsFolder })
        {
            if (folder is not null && Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    public void Dispose()
    {
        _broker.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string GatewayDestination(string cluster, string destination) =>
        $"ReverseProxy__Clusters__{cluster}__Destinations__{destination}__Address";

    private ServiceProcess Start(string service, string name, IReadOnlyDictionary<string, string> environment)
    {
        var process = ServiceProcess.Start(service, new Dictionary<string, string>(environment) { ["OTEL_SERVICE_NAME"] = name }, name);
        lock (_servicesLock)
            _services.Add(process);
        return process;
    }

    // Both Inference replicas and FeatureBuilder learn the served model from the Retrainer over the broker;
    // the system is ready once both replicas have loaded the model and a prediction goes through. The prediction is
    // of January, the month the test model was trained on: it is monitored like any other and must not look like drift.
    /// <summary>
    /// Returns once both Inference replicas have loaded the model, a prediction through the gateway answers 200 and the
    /// gateway reaches every service: after the start, and after a test that killed and restarted services, so that the
    /// tests sharing the system find it whole.
    /// </summary>
    public async Task WaitUntilPredictingAsync()
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < StartTimeout)
        {
            if (BothReplicasLoaded())
            {
                try
                {
                    using var response = await PostAsync($"/api/v1/models/{TestModel.Name}/predict", WarmUpRecord);
                    last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    if (response.StatusCode == HttpStatusCode.OK && await GatewayReachesEveryServiceAsync(answer => last = answer))
                        return;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet, or slow to answer on a busy machine: not yet.
                    last = exception.Message;
                }
            }

            await Task.Delay(250);
        }

        throw Failure($"The distributed system did not serve predictions within {StartTimeout.TotalSeconds:0} s; last answer: {last}");
    }

    // The gateway probes each service's readiness every few seconds and routes nowhere while its last probes failed (or,
    // for a replica killed by a test, for ten seconds after the connections failed): a service that was still starting
    // when probed stays out of rotation until the next probe, although it answers directly. Ready means one read per
    // service answers through the gateway, Inference's over REST and over gRPC.
    private async Task<bool> GatewayReachesEveryServiceAsync(Action<string> last)
    {
        foreach (var path in new[] { $"/api/v1/models/{TestModel.Name}/versions", "/api/v1/feedback/stats", "/api/v1/monitoring/models", $"/v2/models/{TestModel.Name}/ready" })
        {
            using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK)
            {
                last($"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return false;
            }
        }

        using var grpc = new OpenInferenceGrpc(Gateway.GrpcAddress!);
        try
        {
            var ready = await grpc.Client.ModelReadyAsync(new ModelReadyRequest { Name = TestModel.Name }, OpenInferenceGrpc.With(TestKeys.Admin));
            return ready.Ready;
        }
        catch (RpcException exception)
        {
            last($"gRPC ModelReady through the gateway: {exception.Status}");
            return false;
        }
    }

    private bool BothReplicasLoaded() =>
        Services().Where(service => service.Name.StartsWith("inference", StringComparison.Ordinal))
            .All(service => service.Output.Contains("Loaded model", StringComparison.Ordinal));

    private List<ServiceProcess> Services()
    {
        lock (_servicesLock)
            return [.. _services];
    }
}
