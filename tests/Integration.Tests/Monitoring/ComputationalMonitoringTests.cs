using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;
using Integration.Tests.Registry;

namespace Integration.Tests.Monitoring;

/// <summary>
/// Computational monitoring in the distributed mode on RabbitMQ: every process answers <c>/metrics</c> in
/// Prometheus text, and Monitor shows, through the gateway, each service's requests, 4xx and 5xx, rate and
/// latency per model version, from the reports the services publish (every five seconds in the shared system). The
/// counts are of a model of the test's own (the test model under another name), which no other test sharing the
/// system sends anything to.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class ComputationalMonitoringTests(SharedSystem system)
{
    private const string Version = TestModel.Version;
    private static readonly string[] Processes = ["retrainer", "featurebuilder", "inference-1", "inference-2", "feedbackcollector", "monitor", "gateway"];
    private static readonly string[] Replicas = ["inference-1", "inference-2"];
    private static readonly TimeSpan Timeout = Deadlines.DistributedState;
    private static readonly object InvalidRecord = new { date = "2001-02-30T07:00:00", origin = "ORD", destination = "LAX", distance = 1744 };

    [Fact]
    public async Task Every_service_process_answers_metrics_in_Prometheus_text()
    {
        // Each replica scores a tensor of its own, so each has predictions to export whatever ran before. Until a replica
        // (restarted by another test, say) has loaded the model it answers 503 and scores nothing.
        var tensor = await TensorRequestAsync(TestModel.Name);
        foreach (var replica in Replicas)
            await Poll.PostUntilOkAsync(system.Service(replica).Client, $"/v2/models/{TestModel.Name}/infer", tensor, Deadlines.ProcessStart, system.Failure);

        foreach (var name in Processes)
        {
            var service = system.Service(name);
            using (var info = await service.Client.GetAsync(new Uri("/", UriKind.Relative)))
                Assert.Equal(HttpStatusCode.OK, info.StatusCode);

            // The exporter may answer a scrape from a copy it made moments before: the request to / just made shows in a later one.
            var metrics = await Poll.UntilAnsweredAsync(
                service.Client,
                () => new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative)),
                answer => answer.Status == HttpStatusCode.OK && answer.Body.Split('\n').Any(line =>
                    line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && line.Contains("http_route=\"/\"", StringComparison.Ordinal))
                    && (!name.StartsWith("inference", StringComparison.Ordinal) || answer.Body.Contains("\nplatform_inference_predictions_total{", StringComparison.Ordinal)),
                Timeout,
                $"{name}'s /metrics to count the request to / (and, for a replica, its predictions)",
                service.Failure);
            var text = metrics.Body;

            Assert.StartsWith("text/plain", metrics.MediaType, StringComparison.Ordinal);
            Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
            Assert.Contains("\nplatform_process_start_time_seconds{", text, StringComparison.Ordinal);
            Assert.Contains("\ndotnet_process_cpu_time_seconds_total{", text, StringComparison.Ordinal);
            // Each process answers for itself: the gateway does not pass /metrics on.
            Assert.Contains($"service_name=\"{name}\"", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Monitor_shows_requests_errors_and_latency_per_service_and_model_version()
    {
        try
        {
            await ShowsRequestsErrorsAndLatencyAsync();
        }
        finally
        {
            // The test stops both replicas: the next test finds them running again (each waits for the model itself).
            await Task.WhenAll(Replicas.Select(system.KillAndRestartAsync));
            await system.WaitUntilPredictingAsync();
        }
    }

    private async Task ShowsRequestsErrorsAndLatencyAsync()
    {
        var model = await RegisterOwnModelAsync();

        // What reached FeatureBuilder and Inference while the model came to serve (the tries until it did) is an unknown
        // number still on its way to Monitor. The next requests are markers: one invalid record for FeatureBuilder and one
        // tensor of the wrong shape for each replica, the only 4xx either service gets for the model. Each process
        // publishes its reports in order, one interval after the other, so once Monitor shows every marker it has the
        // reports of everything before them, and the rows are the baseline.
        await ExpectAsync(system.PostAsync($"/api/v1/models/{model}/predict", InvalidRecord), HttpStatusCode.BadRequest);
        var tensor = await TensorRequestAsync(model);
        foreach (var replica in Replicas)
            await ExpectAsync(system.Service(replica).Client.PostAsJsonAsync(new Uri($"/v2/models/{model}/infer", UriKind.Relative), WrongShape(tensor)), HttpStatusCode.BadRequest);
        var before = await WaitForServicesAsync("the markers", services =>
            RowOf(services, "FeatureBuilder", model, Version).ClientErrors == 1 && RowOf(services, "Inference", model, Version).ClientErrors == Replicas.Length);
        var featureBuilderBefore = RowOf(before, "FeatureBuilder", model, Version);
        var inferenceBefore = RowOf(before, "Inference", model, Version);
        var unknownModel = $"no-such-model-{Guid.NewGuid():N}";

        // 12 predictions, 5 invalid records (400), 2 for an unknown model (404), 3 tensor requests to Inference.
        for (var i = 0; i < 12; i++)
            await ExpectAsync(system.PostAsync($"/api/v1/models/{model}/predict", DistributedSystem.ExampleRecord), HttpStatusCode.OK);
        for (var i = 0; i < 5; i++)
            await ExpectAsync(system.PostAsync($"/api/v1/models/{model}/predict", InvalidRecord), HttpStatusCode.BadRequest);
        for (var i = 0; i < 2; i++)
            await ExpectAsync(system.PostAsync($"/api/v1/models/{unknownModel}/predict", DistributedSystem.ExampleRecord), HttpStatusCode.NotFound);
        for (var i = 0; i < 3; i++)
            await ExpectAsync(system.PostAsync($"/v2/models/{model}/infer", tensor), HttpStatusCode.OK);

        // Exactly what was sent: a report counted twice would overshoot and never match.
        var settled = await WaitForServicesAsync("this test's requests", services =>
            RowOf(services, "FeatureBuilder", model, Version).Requests == featureBuilderBefore.Requests + 17
            && RowOf(services, "Inference", model, Version).Requests == inferenceBefore.Requests + 15
            && RowOf(services, "FeatureBuilder", unknownModel, null).Requests == 2
            && GatewayRequests(services) >= 22);
        var featureBuilder = Find(settled, "FeatureBuilder", model, Version);
        var inference = Find(settled, "Inference", model, Version);
        Assert.Equal(featureBuilderBefore.ClientErrors + 5, featureBuilder.ClientErrors);
        Assert.Equal(featureBuilderBefore.Errors, featureBuilder.Errors);
        Assert.Equal(inferenceBefore.ClientErrors, inference.ClientErrors);
        Assert.Equal(inferenceBefore.Errors, inference.Errors);
        // The unknown model's requests are counted under its name, without a version.
        Assert.Equal(2, Find(settled, "FeatureBuilder", unknownModel, null).ClientErrors);
        // The gateway saw every one of them (and the monitoring queries) under its proxy routes.
        Assert.True(GatewayRequests(settled) >= 22);
        foreach (var row in new[] { featureBuilder, inference })
        {
            // Percentiles of the same histogram, in order; how large they are is the machine's business.
            Assert.True(row.P50 > 0 && row.P95 >= row.P50 && row.P99 >= row.P95, $"{row.Service}: p50 {row.P50}, p95 {row.P95}, p99 {row.P99}");
            Assert.Equal(row.Requests / (settled.To - settled.From).TotalSeconds, row.Rate, 6);
        }

        // Without any Inference replica, predictions fail with 503 (FeatureBuilder's gRPC calls find no replica): server errors.
        await Task.WhenAll(Replicas.Select(async replica => await system.Service(replica).DisposeAsync()));
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            ExpectAsync(system.PostAsync($"/api/v1/models/{model}/predict", DistributedSystem.ExampleRecord), HttpStatusCode.ServiceUnavailable)));
        var failingReport = await WaitForServicesAsync("the two failed predictions", services =>
            RowOf(services, "FeatureBuilder", model, Version).Requests == featureBuilder.Requests + 2);
        var failing = Find(failingReport, "FeatureBuilder", model, Version);
        Assert.Equal(featureBuilder.Errors + 2, failing.Errors);
        Assert.Equal((double)failing.Errors / failing.Requests, failing.ErrorRate!.Value, 9);
    }

    // The services' rows once they satisfy the condition (Monitor adds a report as it arrives, every interval).
    private async Task<Services> WaitForServicesAsync(string what, Func<Services, bool> condition)
    {
        var json = await Poll.GetJsonAsync(system.Client, "/api/v1/monitoring/services?minutes=60", body => condition(Parse(body)), Timeout, message => system.Failure($"Monitor did not show {what}: {message}"));
        return Parse(json);
    }

    private static Services Parse(JsonElement root)
    {
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
        return new Services(root.GetProperty("from").GetDateTimeOffset(), root.GetProperty("to").GetDateTimeOffset(), rows, root.ToString());
    }

    private static double? Number(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private Row Find(Services services, string service, string model, string? version) =>
        services.Rows.SingleOrDefault(row => row.Service == service && row.Model == model && row.Version == version)
        ?? throw system.Failure($"No row for {service} {model} {version}: {services.Json}");

    private static Row RowOf(Services services, string service, string model, string? version) =>
        services.Rows.SingleOrDefault(row => row.Service == service && row.Model == model && row.Version == version)
        ?? new Row(service, model, version, 0, 0, 0, 0, null, null, null, null);

    // The same request with one feature too many: Inference answers 400.
    private static object WrongShape(object tensor)
    {
        var input = JsonSerializer.SerializeToElement(tensor).GetProperty("inputs")[0];
        var width = input.GetProperty("shape")[1].GetInt32() + 1;
        return new { inputs = new[] { new { name = input.GetProperty("name").GetString(), shape = new[] { 1, width }, datatype = "FP32", data = new float[width] } } };
    }

    private static long GatewayRequests(Services services) => services.Rows.Where(row => row.Service == "Gateway").Sum(row => row.Requests);

    // The test model under a name of this test's own, served by both replicas and FeatureBuilder. The readiness and the
    // metadata are no requests of the model version (they count without one); the predictions until one succeeds are.
    private async Task<string> RegisterOwnModelAsync()
    {
        var uploads = new RegistryUploads(await TestModel.ModelsFolderAsync(), RegistryUploads.NewModelName("computational"));
        await ExpectAsync(uploads.UploadAsync(system.Client, uploads.Card(Version), uploads.Onnx), HttpStatusCode.Created);
        foreach (var replica in Replicas)
            await Poll.GetJsonAsync(system.Service(replica).Client, $"/v2/models/{uploads.Model}/ready", _ => true, Timeout, system.Failure);
        await Poll.PostUntilOkAsync(system.Client, uploads.PredictPath, DistributedSystem.ExampleRecord, Timeout, system.Failure);
        return uploads.Model;
    }

    // A one-row tensor of the model's width. The metadata is no request of the model version (it counts without one).
    private async Task<object> TensorRequestAsync(string model)
    {
        var metadata = await Poll.GetJsonAsync(system.Client, $"/v2/models/{model}", _ => true, Deadlines.ProcessStart, system.Failure);
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
