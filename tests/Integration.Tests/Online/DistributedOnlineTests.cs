using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Integration.Tests.Online;

/// <summary>
/// The public online API driven through the gateway of the distributed mode (every service its own
/// process, RabbitMQ between them, two Inference replicas).
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class DistributedOnlineTests(SharedSystem system)
{
    private const string PredictPath = $"/api/v1/models/{TestModel.Name}/predict";
    private static readonly string[] Labels = ["on-time", "late"];

    [Fact]
    public async Task A_record_posted_to_the_gateway_gets_a_prediction_from_the_served_model()
    {
        using var response = await system.PostAsync(PredictPath, DistributedSystem.ExampleRecord);

        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.True(Guid.TryParse(body.GetProperty("predictionId").GetString(), out _));
        Assert.Equal(TestModel.Name, body.GetProperty("model").GetString());
        Assert.Equal(TestModel.Version, body.GetProperty("version").GetString());
        Assert.Contains(body.GetProperty("label").GetString(), Labels);
        var probability = body.GetProperty("probability").GetDouble();
        Assert.InRange(probability, 0, 1);
        Assert.Equal(probability >= 0.5 ? "late" : "on-time", body.GetProperty("label").GetString());
    }

    [Fact]
    public async Task An_array_gets_a_prediction_or_the_field_errors_for_each_record_in_order()
    {
        object[] records =
        [
            new { date = "2001-03-01T18:30:00", origin = "ATL", destination = "BOS", distance = 946, entityKey = "DL1234" },
            new { date = "not a date", origin = "ATL", destination = "BOS", distance = -3 },
            DistributedSystem.ExampleRecord,
        ];
        using var response = await system.PostAsync(PredictPath, records);

        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(2, body.GetProperty("predicted").GetInt32());
        Assert.Equal(1, body.GetProperty("invalid").GetInt32());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], results.Select(result => result.GetProperty("index").GetInt32()));
        Assert.Equal("DL1234", results[0].GetProperty("entityKey").GetString());
        Assert.True(results[0].TryGetProperty("predictionId", out _));
        Assert.True(results[2].TryGetProperty("predictionId", out _));
        var errors = results[1].GetProperty("errors").EnumerateArray().Select(error => (error.GetProperty("field").GetString(), error.GetProperty("code").GetString())).ToList();
        Assert.Equal([("date", "invalid_timestamp"), ("distance", "out_of_range")], errors.Order());
    }

    [Fact]
    public async Task An_invalid_record_gets_problem_details_naming_each_field()
    {
        using var response = await system.PostAsync(PredictPath, new { date = "2001-02-30T07:00:00", origin = 7, distance = "far" });

        var problem = await ReadJsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("tag:ml-platform,2025:problems/validation-failed", problem.GetProperty("type").GetString());
        var fields = problem.GetProperty("errors").EnumerateObject().Select(field => field.Name).Order().ToList();
        Assert.Equal(["date", "destination", "distance"], fields);
    }

    [Fact]
    public async Task An_unknown_model_gets_404_and_unreadable_JSON_gets_400()
    {
        using var unknown = await system.PostAsync("/api/v1/models/no-such-model/predict", DistributedSystem.ExampleRecord);
        var notFound = await ReadJsonAsync(unknown, HttpStatusCode.NotFound);
        Assert.Contains("no-such-model", notFound.GetProperty("detail").GetString());

        using var content = new StringContent("{\"date\": ", Encoding.UTF8, "application/json");
        using var unreadable = await system.Client.PostAsync(new Uri(PredictPath, UriKind.Relative), content);
        var badRequest = await ReadJsonAsync(unreadable, HttpStatusCode.BadRequest);
        Assert.Equal("tag:ml-platform,2025:problems/bad-request", badRequest.GetProperty("type").GetString());
    }

    [Fact]
    public async Task More_records_than_allowed_get_413()
    {
        var records = Enumerable.Repeat(DistributedSystem.ExampleRecord, 1001).ToArray();
        using var response = await system.PostAsync(PredictPath, records);

        var problem = await ReadJsonAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(1000, problem.GetProperty("maxRecords").GetInt32());
    }

    [Fact]
    public async Task The_models_endpoint_lists_the_served_model_with_the_fields_a_record_needs()
    {
        var models = await ReadJsonAsync(await system.Client.GetAsync(new Uri("/api/v1/models", UriKind.Relative)), HttpStatusCode.OK);
        // Tests sharing the system register models of their own: the test model is one of the list.
        var model = Assert.Single(models.EnumerateArray(), entry => entry.GetProperty("name").GetString() == TestModel.Name);
        var fields = model.GetProperty("fields").EnumerateArray().Select(field => field.GetProperty("name").GetString()).Order().ToList();
        Assert.Equal(["date", "destination", "distance", "origin"], fields);
    }

    [Fact]
    public async Task Concurrent_requests_are_all_answered_while_two_Inference_replicas_share_the_work()
    {
        // Two replicas on the broker (polled: the management API lists a restarted replica's connection only after its
        // statistics interval, and a test sharing this system may have restarted one).
        await Poll.UntilAsync(
            async () => (await system.Broker.ConnectionNamesAsync(system.VirtualHost)).Count(name => name == "Inference") == 2,
            Deadlines.ManagementStatistics, "two connections named Inference", system.Failure);

        // 200 requests, 16 in flight at any time: enough for both replicas to be busy at once, few enough that no request
        // waits behind a queue longer than FeatureBuilder waits for Inference on a loaded machine (200 at once would
        // make the last ones wait for all the others, and fail with 503 when the machine is slow, not the system).
        using var inFlight = new SemaphoreSlim(16);
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            await inFlight.WaitAsync();
            try
            {
                using var response = await system.PostAsync(PredictPath, DistributedSystem.ExampleRecord);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            }
            finally
            {
                inFlight.Release();
            }
        }));
        var failed = responses.Where(answer => answer.StatusCode != HttpStatusCode.OK).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of 200 requests failed, e.g. {string.Join(" | ", failed.Take(3).Select(answer => $"{(int)answer.StatusCode} {answer.Body}"))}");
    }

    [Fact]
    public async Task Concurrent_requests_scored_together_each_get_the_predictions_of_their_own_records_and_are_logged_as_their_own()
    {
        // Distinct records and tensors, each answered alone first; then all at once, so that FeatureBuilder and Inference
        // batch what arrives together (how many, the machine decides): every answer must be the one its request got alone.
        string[] airports = ["ORD", "LAX", "SFO", "SEA"];
        var tag = Guid.NewGuid().ToString("N")[..8];
        var records = Enumerable.Range(0, 40).Select(i => new
        {
            date = $"2001-01-{1 + (i % 28):00}T{6 + (i % 15):00}:30:00",
            origin = airports[i % 4],
            destination = airports[(i + 1 + (i / 4 % 3)) % 4],
            distance = 300 + (37 * i),
            entityKey = $"{tag}-{i}",
        }).ToList();
        var metadata = await ReadJsonAsync(await system.Client.GetAsync(new Uri($"/v2/models/{TestModel.Name}", UriKind.Relative)), HttpStatusCode.OK);
        var input = metadata.GetProperty("inputs")[0];
        var width = input.GetProperty("shape")[1].GetInt32();
        var tensors = Enumerable.Range(0, 40).Select(i => new
        {
            inputs = new[] { new { name = input.GetProperty("name").GetString(), shape = new[] { 1 + (i % 3), width }, datatype = "FP32", data = Enumerable.Range(0, (1 + (i % 3)) * width).Select(j => (float)((i * 7 + j) % 5)).ToArray() } },
        }).ToList();

        var alone = new List<(string Label, double Probability)>();
        foreach (var record in records)
            alone.Add(Predicted(await ReadJsonAsync(await system.PostAsync(PredictPath, record), HttpStatusCode.OK)));
        var tensorsAlone = new List<double[]>();
        foreach (var tensor in tensors)
            tensorsAlone.Add(Probabilities(await ReadJsonAsync(await system.PostAsync($"/v2/models/{TestModel.Name}/infer", tensor), HttpStatusCode.OK)));

        // 16 in flight at a time, as in the test above: enough to batch, few enough for a loaded machine to answer in time.
        using var inFlight = new SemaphoreSlim(16);
        async Task<JsonElement> PostAsync(string path, object body)
        {
            await inFlight.WaitAsync();
            try
            {
                return await ReadJsonAsync(await system.PostAsync(path, body), HttpStatusCode.OK);
            }
            finally
            {
                inFlight.Release();
            }
        }

        var together = await Task.WhenAll(records.Select(record => PostAsync(PredictPath, record)));
        var tensorsTogether = await Task.WhenAll(tensors.Select(tensor => PostAsync($"/v2/models/{TestModel.Name}/infer", tensor)));

        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(records[i].entityKey, together[i].GetProperty("entityKey").GetString());
            var (label, probability) = Predicted(together[i]);
            Assert.Equal(alone[i].Label, label);
            Assert.Equal(alone[i].Probability, probability, 6);
        }

        for (var i = 0; i < tensors.Count; i++)
            Assert.Equal(tensorsAlone[i], Probabilities(tensorsTogether[i]), (expected, actual) => Math.Abs(expected - actual) < 1e-6);

        // One prediction id per record and row, each logged with its own record.
        var ids = together.Select(answer => answer.GetProperty("predictionId").GetString()!).ToList();
        var tensorIds = tensorsTogether.SelectMany(answer => answer.GetProperty("parameters").GetProperty("prediction_ids").EnumerateArray().Select(id => id.GetString()!)).ToList();
        Assert.Equal(ids.Count + tensorIds.Count, ids.Concat(tensorIds).Distinct().Count());
        Assert.Equal(tensors.Sum(tensor => tensor.inputs[0].shape[0]), tensorIds.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var logged = await Poll.GetJsonAsync(system.Client, $"/api/v1/predictions/{ids[i]}", _ => true, Deadlines.DistributedState, system.Failure);
            Assert.Equal(records[i].entityKey, logged.GetProperty("entityKey").GetString());
            Assert.Equal(records[i].distance, logged.GetProperty("input").GetProperty("distance").GetInt32());
        }
    }

    private static (string Label, double Probability) Predicted(JsonElement answer) =>
        (answer.GetProperty("label").GetString()!, answer.GetProperty("probability").GetDouble());

    private static double[] Probabilities(JsonElement answer) =>
        [.. answer.GetProperty("outputs").EnumerateArray().Single(output => output.GetProperty("name").GetString() == "probability").GetProperty("data").EnumerateArray().Select(value => value.GetDouble())];

    [Fact]
    public async Task Feature_tensors_are_scored_through_the_gateway_with_the_Open_Inference_Protocol()
    {
        var metadata = await ReadJsonAsync(await system.Client.GetAsync(new Uri($"/v2/models/{TestModel.Name}", UriKind.Relative)), HttpStatusCode.OK);
        var input = metadata.GetProperty("inputs")[0];
        var width = input.GetProperty("shape")[1].GetInt32();
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());

        using var ready = await system.Client.GetAsync(new Uri($"/v2/models/{TestModel.Name}/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var request = new
        {
            id = "request-1",
            inputs = new[] { new { name = input.GetProperty("name").GetString(), shape = new[] { 2, width }, datatype = "FP32", data = new float[2 * width] } },
        };
        using var response = await system.PostAsync($"/v2/models/{TestModel.Name}/versions/{TestModel.Version}/infer", request);
        var body = await ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(TestModel.Name, body.GetProperty("model_name").GetString());
        Assert.Equal("request-1", body.GetProperty("id").GetString());
        var probability = body.GetProperty("outputs").EnumerateArray().Single(output => output.GetProperty("name").GetString() == "probability");
        Assert.Equal([2, 1], probability.GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetInt32()));
        Assert.Equal(2, probability.GetProperty("data").GetArrayLength());

        using var wrongShape = await system.PostAsync($"/v2/models/{TestModel.Name}/infer", new
        {
            inputs = new[] { new { name = "features", shape = new[] { 1, width + 1 }, datatype = "FP32", data = new float[width + 1] } },
        });
        var problem = await ReadJsonAsync(wrongShape, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("error", out _), "the protocol's error member is there");
    }

    [Fact]
    public async Task One_trace_covers_the_gateway_feature_builder_broker_inference_and_the_prediction_consumer()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(PredictPath, UriKind.Relative))
        {
            Content = JsonContent.Create(DistributedSystem.ExampleRecord),
        };
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await system.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var traceIdBytes = Convert.FromHexString(traceId.ToHexString());
        string[] services = ["gateway", "featurebuilder", "inference-", "feedbackcollector"];
        var clock = Stopwatch.StartNew();
        var missing = services.ToList();
        while (clock.Elapsed < Deadlines.DistributedState && missing.Count > 0)
        {
            var spans = system.Telemetry.Exports.Where(export => export.Signal == "traces" && export.Contains(traceIdBytes)).ToList();
            missing = [.. services.Where(service => !spans.Any(export => export.Contains(service)))];
            await Task.Delay(200);
        }

        Assert.True(missing.Count == 0, $"no spans of trace {traceId} from: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task A_prediction_is_logged_and_can_be_fetched_by_its_id()
    {
        using var response = await system.PostAsync(PredictPath, new { date = "2001-04-01T09:00:00", origin = "SFO", destination = "SEA", distance = 679, entityKey = "AS100" });
        var predictionId = (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("predictionId").GetString();

        // 404 until FeedbackCollector has logged it from the broker.
        var prediction = await Poll.GetJsonAsync(system.Client, $"/api/v1/predictions/{predictionId}", _ => true, Deadlines.DistributedState, system.Failure);
        Assert.Equal("AS100", prediction.GetProperty("entityKey").GetString());
        Assert.Equal("online", prediction.GetProperty("source").GetString());
        Assert.Equal("SFO", prediction.GetProperty("input").GetProperty("origin").GetString());
    }

    private async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            throw system.Failure($"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
