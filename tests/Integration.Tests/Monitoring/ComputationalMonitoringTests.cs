using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Monitoring;

/// <summary>
/// Computational monitoring in the distributed mode on RabbitMQ: every process answers <c>/metrics</c> in
/// Prometheus text, and Monitor shows, through the gateway, each service's requests, 4xx and 5xx, rate and
/// latency per model version, from the reports the services publish.
/// </summary>
[Collection(RabbitMqTestGroup.Name)]
public sealed class ComputationalMonitoringTests(ComputationalMonitoringSystem system) : IClassFixture<ComputationalMonitoringSystem>
{
    private const string Model = TestModel.Name;
    private const string Version = TestModel.Version;
    private static readonly string[] Processes = ["retrainer", "featurebuilder", "inference-1", "inference-2", "feedbackcollector", "monitor", "gateway"];
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_service_process_answers_metrics_in_Prometheus_text()
    {
        var inferencePredictions = 0;
        foreach (var name in Processes)
        {
            var service = system.Service(name);
            using (var info = await service.Client.GetAsync(new Uri("/", UriKind.Relative)))
                Assert.Equal(HttpStatusCode.OK, info.StatusCode);

            using var response = await service.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode} {text}");
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
            // The request to / just made is in it, under its route.
            Assert.Contains(text.Split('\n'), line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && line.Contains("http_route=\"/\"", StringComparison.Ordinal));
            Assert.Contains("\nplatform_process_start_time_seconds{", text, StringComparison.Ordinal);
            Assert.Contains("\ndotnet_process_cpu_time_seconds_total{", text, StringComparison.Ordinal);
            // Each process answers for itself: the gateway does not pass /metrics on.
            Assert.Contains($"service_name=\"{name}\"", text, StringComparison.Ordinal);
            if (name.StartsWith("inference", StringComparison.Ordinal) && text.Contains("\nplatform_inference_predictions_total{", StringComparison.Ordinal))
                inferencePredictions++;
        }

        // The start-up predictions were scored by at least one replica.
        Assert.True(inferencePredictions >= 1, "no Inference replica exports platform_inference_predictions_total");
    }

    [Fact]
    public async Task Monitor_shows_requests_errors_and_latency_per_service_and_model_version()
    {
        var before = await SettledAsync();

        // 12 predictions, 5 invalid records (400), 2 for an unknown model (404), 3 tensor requests to Inference.
        for (var i = 0; i < 12; i++)
            await ExpectAsync(system.PostAsync($"/api/v1/models/{Model}/predict", DistributedSystem.ExampleRecord), HttpStatusCode.OK);
        for (var i = 0; i < 5; i++)
            await ExpectAsync(system.PostAsync($"/api/v1/models/{Model}/predict", new { date = "2001-02-30T07:00:00", origin = "ORD", destination = "LAX", distance = 1744 }), HttpStatusCode.BadRequest);
        for (var i = 0; i < 2; i++)
            await ExpectAsync(system.PostAsync("/api/v1/models/no-such-model/predict", DistributedSystem.ExampleRecord), HttpStatusCode.NotFound);
        var tensor = await TensorRequestAsync();
        for (var i = 0; i < 3; i++)
            await ExpectAsync(system.PostAsync($"/v2/models/{Model}/infer", tensor), HttpStatusCode.OK);

        var featureBuilder = await WaitForRowAsync("FeatureBuilder", Model, Version, before.FeatureBuilder.Requests + 17);
        var inference = await WaitForRowAsync("Inference", Model, Version, before.Inference.Requests + 15);
        // Nothing is counted twice: a few report intervals later the counts are the same.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var settled = await ServicesAsync();
        Assert.Equal(featureBuilder.Requests, Find(settled, "FeatureBuilder", Model, Version).Requests);
        Assert.Equal(inference.Requests, Find(settled, "Inference", Model, Version).Requests);

        Assert.Equal(before.FeatureBuilder.ClientErrors + 5, featureBuilder.ClientErrors);
        Assert.Equal(before.FeatureBuilder.Errors, featureBuilder.Errors);
        Assert.Equal(before.Inference.ClientErrors, inference.ClientErrors);
        Assert.Equal(before.Inference.Errors, inference.Errors);
        // The unknown model's requests are counted under its name, without a version.
        Assert.True(Find(settled, "FeatureBuilder", "no-such-model", null).ClientErrors >= 2);
        // The gateway saw every one of them (and the monitoring queries) under its proxy routes.
        Assert.True(settled.Rows.Where(row => row.Service == "Gateway").Sum(row => row.Requests) >= 22);
        foreach (var row in new[] { featureBuilder, inference })
        {
            Assert.InRange(row.P50!.Value, 0.001, 5000);
            Assert.InRange(row.P95!.Value, row.P50.Value, 5000);
            Assert.InRange(row.P99!.Value, row.P95.Value, 5000);
            Assert.Equal(row.Requests / (settled.To - settled.From).TotalSeconds, Find(settled, row.Service, Model, Version).Rate, 6);
        }

        // Without any Inference replica, predictions fail with 503 once FeatureBuilder stops waiting: server errors.
        await system.Service("inference-1").DisposeAsync();
        await system.Service("inference-2").DisposeAsync();
        for (var i = 0; i < 2; i++)
            await ExpectAsync(system.PostAsync($"/api/v1/models/{Model}/predict", DistributedSystem.ExampleRecord), HttpStatusCode.ServiceUnavailable);
        var failing = await WaitForRowAsync("FeatureBuilder", Model, Version, featureBuilder.Requests + 2);
        Assert.Equal(before.FeatureBuilder.Errors + 2, failing.Errors);
        Assert.Equal((double)failing.Errors / failing.Requests, failing.ErrorRate!.Value, 9);
        // FeatureBuilder waited two seconds for each; while they are at least 1% of the requests, p99 lies in
        // their bucket, whose lower bound is 1722 ms (0.5·2^(47/4)).
        if (failing.Errors * 100 >= failing.Requests)
            Assert.True(failing.P99 >= 1700, $"p99 {failing.P99} ms");

        await system.KillAndRestartAsync("inference-1");
        await system.KillAndRestartAsync("inference-2");
    }

    private async Task<(Row FeatureBuilder, Row Inference)> SettledAsync()
    {
        // The start-up predictions are still being reported for a second or two: wait until the counts stop moving.
        var clock = Stopwatch.StartNew();
        var previous = await ServicesAsync();
        while (clock.Elapsed < Timeout)
        {
            await Task.Delay(TimeSpan.FromSeconds(2.5));
            var current = await ServicesAsync();
            var featureBuilder = RowOrEmpty(current, "FeatureBuilder", Model, Version);
            var inference = RowOrEmpty(current, "Inference", Model, Version);
            if (featureBuilder.Requests > 0 && inference.Requests > 0 &&
                featureBuilder.Requests == RowOrEmpty(previous, "FeatureBuilder", Model, Version).Requests &&
                inference.Requests == RowOrEmpty(previous, "Inference", Model, Version).Requests)
            {
                return (featureBuilder, inference);
            }

            previous = current;
        }

        throw system.Failure($"The start-up traffic did not show in the monitoring API within {Timeout.TotalSeconds:0} s: {previous.Json}");
    }

    private async Task<Row> WaitForRowAsync(string service, string model, string version, long requests)
    {
        var clock = Stopwatch.StartNew();
        var last = default(Services);
        while (clock.Elapsed < Timeout)
        {
            last = await ServicesAsync();
            if (RowOrEmpty(last, service, model, version).Requests >= requests)
                return Find(last, service, model, version);
            await Task.Delay(250);
        }

        throw system.Failure($"{service} did not show {requests} requests of {model} {version} within {Timeout.TotalSeconds:0} s: {last?.Json}");
    }

    private async Task<Services> ServicesAsync()
    {
        using var response = await system.Client.GetAsync(new Uri("/api/v1/monitoring/services?minutes=60", UriKind.Relative));
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {json}");
        var root = JsonDocument.Parse(json).RootElement;
        var rows = root.GetProperty("services").EnumerateArray().Select(row => new Row(
            row.GetProperty("service").GetString()!,
            row.TryGetProperty("model", out var model) ? model.GetString() : null,
            row.TryGetProperty("version", out var version) ? version.GetString() : null,
            row.GetProperty("requests").GetInt64(),
            row.GetProperty("errors").GetInt64(),
            row.GetProperty("clientErrors").GetInt64(),
            row.GetProperty("ratePerSecond").GetDouble(),
            Number(row, "errorRate"),
            Number(row, "latencyP50Ms"),
            Number(row, "latencyP95Ms"),
            Number(row, "latencyP99Ms"))).ToList();
        return new Services(root.GetProperty("from").GetDateTimeOffset(), root.GetProperty("to").GetDateTimeOffset(), rows, json);
    }

    private static double? Number(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private Row Find(Services services, string service, string model, string? version) =>
        services.Rows.SingleOrDefault(row => row.Service == service && row.Model == model && row.Version == version)
        ?? throw system.Failure($"No row for {service} {model} {version}: {services.Json}");

    private static Row RowOrEmpty(Services services, string service, string model, string version) =>
        services.Rows.SingleOrDefault(row => row.Service == service && row.Model == model && row.Version == version)
        ?? new Row(service, model, version, 0, 0, 0, 0, null, null, null, null);

    private async Task<object> TensorRequestAsync()
    {
        var metadata = await system.Client.GetFromJsonAsync<JsonElement>(new Uri($"/v2/models/{Model}", UriKind.Relative));
        var input = metadata.GetProperty("inputs")[0];
        var width = input.GetProperty("shape")[1].GetInt32();
        return new { inputs = new[] { new { name = input.GetProperty("name").GetString(), shape = new[] { 1, width }, datatype = "FP32", data = new float[width] } } };
    }

    private async Task ExpectAsync(Task<HttpResponseMessage> request, HttpStatusCode expected)
    {
        using var response = await request;
        if (response.StatusCode != expected)
            throw system.Failure($"Expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private sealed record Services(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<Row> Rows, string Json);

    private sealed record Row(string Service, string? Model, string? Version, long Requests, long Errors, long ClientErrors, double Rate, double? ErrorRate, double? P50, double? P95, double? P99);
}
