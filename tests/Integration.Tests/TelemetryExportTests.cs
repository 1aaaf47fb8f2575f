using Integration.Tests.Online;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using ServiceDefaults;

namespace Integration.Tests;

/// <summary>Telemetry leaves a service over OTLP only when an endpoint is configured.</summary>
public sealed class TelemetryExportTests
{
    private static readonly TimeSpan ExportTimeout = Deadlines.DistributedState;

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
        await service.WaitUntilLiveAsync(Deadlines.ProcessStart);

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
        await service.WaitUntilLiveAsync(Deadlines.ProcessStart);

        using var response = await service.Client.GetAsync(new Uri("/", UriKind.Relative));
        response.EnsureSuccessStatusCode();

        await receiver.WaitForAsync("traces", serviceName, ExportTimeout, service);
    }

    [Fact]
    public void Nothing_is_exported_when_no_OTLP_endpoint_is_set()
    {
        // Composed the way every service composes itself (AddServiceDefaults). With no exporter registered nothing can
        // leave the process, whatever the timing; watching a port for exports that do not come could only pass by luck
        // (and the OTLP default port, 4318, may belong to a real collector or another run). With an endpoint, the same
        // check finds the exporter, so it does look at the right registrations.
        Assert.True(RegistersOtlpExporter(new Dictionary<string, string?> { [TelemetryExtensions.OtlpEndpointKey] = "http://127.0.0.1:4318" }),
            "With OTEL_EXPORTER_OTLP_ENDPOINT set, the service defaults register no OTLP exporter: the check below proves nothing.");
        Assert.False(RegistersOtlpExporter(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" }),
            "Without OTEL_EXPORTER_OTLP_ENDPOINT, the service defaults register an OTLP exporter.");
    }

    // Whether a host built on the service defaults with exactly this configuration (no environment variables, no files)
    // has a service of the OTLP exporter's assembly (UseOtlpExporter registers its marker, its options and their factories).
    private static bool RegistersOtlpExporter(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "Inference" });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults();
        var exporterAssembly = typeof(OtlpExporterOptions).Assembly;
        return builder.Services.Any(service => Mentions(service.ServiceType, exporterAssembly));
    }

    private static bool Mentions(Type type, System.Reflection.Assembly assembly) =>
        type.Assembly == assembly || type.GenericTypeArguments.Any(argument => Mentions(argument, assembly));
}
