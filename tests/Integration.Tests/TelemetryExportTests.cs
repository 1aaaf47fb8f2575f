namespace Integration.Tests;

/// <summary>Telemetry leaves a service over OTLP only when an endpoint is configured.</summary>
public sealed class TelemetryExportTests
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(20);

    // Export every few hundred milliseconds instead of every 5 s (traces, logs) and 60 s (metrics).
    private static readonly Dictionary<string, string> FastExport = new()
    {
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
    };

    [Fact]
    public async Task Traces_are_exported_when_an_OTLP_endpoint_is_set()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var service = ServiceProcess.Start("Inference", new Dictionary<string, string>(FastExport)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
        });
        await service.WaitUntilLiveAsync(TimeSpan.FromSeconds(30));

        using var response = await service.Client.GetAsync(new Uri("/", UriKind.Relative));
        response.EnsureSuccessStatusCode();

        // The span of that request ("GET /"), under the service's name. (The service exports other spans
        // too, e.g. its requests to the registry, so the export holding the request is looked for.)
        var traces = await receiver.WaitForAsync("traces", "GET /", ExportTimeout, service);
        Assert.Equal("application/x-protobuf", traces.ContentType);
        Assert.True(traces.Contains("Inference"), "the exported trace names the service");
        await receiver.WaitForAsync("metrics", "Inference", ExportTimeout, service);
        await receiver.WaitForAsync("logs", "Inference", ExportTimeout, service);
    }

    [Fact]
    public async Task The_service_name_in_telemetry_is_overridden_by_OTEL_SERVICE_NAME()
    {
        var serviceName = $"inference-{Guid.NewGuid():N}";
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var service = ServiceProcess.Start("Inference", new Dictionary<string, string>(FastExport)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_SERVICE_NAME"] = serviceName,
        });
        await service.WaitUntilLiveAsync(TimeSpan.FromSeconds(30));

        using var response = await service.Client.GetAsync(new Uri("/", UriKind.Relative));
        response.EnsureSuccessStatusCode();

        await receiver.WaitForAsync("traces", serviceName, ExportTimeout, service);
    }

    [Fact]
    public async Task Nothing_is_exported_when_no_OTLP_endpoint_is_set()
    {
        // Where an OTLP/HTTP exporter sends by default: if one were registered anyway, it would land here.
        await using var receiver = await OtlpReceiver.StartAsync("http://localhost:4318");
        await using var service = ServiceProcess.Start("Inference", FastExport);
        await service.WaitUntilLiveAsync(TimeSpan.FromSeconds(30));

        using var response = await service.Client.GetAsync(new Uri("/", UriKind.Relative));
        response.EnsureSuccessStatusCode();

        // Several export intervals.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(receiver.Exports);
    }
}
