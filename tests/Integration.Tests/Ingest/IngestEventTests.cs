using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Integration.Tests.Online;
using RabbitMQ.Client;

namespace Integration.Tests.Ingest;

/// <summary>
/// Other systems publish prediction requests to the <c>platform.ingest</c> exchange with any AMQP client (here
/// the plain RabbitMQ client library and the <c>rabbitmqadmin</c> tool, no MassTransit) and consume the
/// predictions from a queue of their own bound to <c>platform.events</c>; bad requests end in the error
/// queue with the reason and do not block the others. Runs against the distributed mode on RabbitMQ.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class IngestEventTests(SharedSystem system)
{
    private const string IngestExchange = "platform.ingest";
    private const string RequestQueue = "feature-builder-ingest-predictions";
    private static readonly TimeSpan AnswerTimeout = Deadlines.DistributedState;
    private static readonly JsonElement Record = JsonSerializer.SerializeToElement(DistributedSystem.ExampleRecord);

    [Fact]
    public async Task A_plain_JSON_request_published_with_the_RabbitMQ_client_gets_its_prediction_as_plain_JSON()
    {
        await using var broker = await ConnectAsync();
        var channel = broker.Channel;
        var results = await BindResultQueueAsync(channel);
        var correlationId = $"plain-{Guid.NewGuid():N}";

        await PublishAsync(channel, "application/json", new { model = TestModel.Name, entityKey = "UA100", correlationId, record = Record });

        var (body, properties) = await ReceiveAsync(channel, results, correlationId);
        Assert.Equal("application/json", properties.ContentType);
        Assert.False(body.TryGetProperty("message", out _), "no MassTransit envelope");
        Assert.Equal(correlationId, body.GetProperty("correlationId").GetString());
        Assert.Equal("UA100", body.GetProperty("entityKey").GetString());
        Assert.Equal(TestModel.Name, body.GetProperty("model").GetString());
        Assert.Equal(TestModel.Version, body.GetProperty("version").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("predictionId").GetString(), out _));
        // The same model scores the same record the same way on the online API.
        using var online = await system.PostAsync($"/api/v1/models/{TestModel.Name}/predict", DistributedSystem.ExampleRecord);
        var expected = JsonDocument.Parse(await online.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(expected.GetProperty("probability").GetDouble(), body.GetProperty("probability").GetDouble(), 6);
        Assert.Equal(expected.GetProperty("label").GetString(), body.GetProperty("label").GetString());
    }

    [Fact]
    public async Task A_CloudEvent_request_gets_a_CloudEvent_back_carrying_its_id_as_correlation_id()
    {
        await using var broker = await ConnectAsync();
        var channel = broker.Channel;
        var results = await BindResultQueueAsync(channel);
        var eventId = $"ce-{Guid.NewGuid():N}";

        await PublishAsync(channel, "application/cloudevents+json", new
        {
            specversion = "1.0",
            type = "com.example.flights.prediction.requested",
            source = "/tests/scheduler",
            id = eventId,
            datacontenttype = "application/json",
            data = new { model = TestModel.Name, entityKey = "DL7", record = Record },
        });

        var (body, properties) = await ReceiveAsync(channel, results, eventId);
        Assert.Equal("application/cloudevents+json", properties.ContentType);
        Assert.Equal("1.0", body.GetProperty("specversion").GetString());
        Assert.Equal("platform.prediction.made", body.GetProperty("type").GetString());
        Assert.Equal(eventId, body.GetProperty("correlationid").GetString());
        Assert.Equal(TestModel.Name, body.GetProperty("subject").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(body.GetProperty("id").GetString(), data.GetProperty("predictionId").GetString());
        Assert.Equal("DL7", data.GetProperty("entityKey").GetString());
        Assert.InRange(data.GetProperty("probability").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task A_request_published_with_rabbitmqadmin_and_no_content_type_is_answered()
    {
        await using var broker = await ConnectAsync();
        var channel = broker.Channel;
        var results = await BindResultQueueAsync(channel);
        var correlationId = $"admin-{Guid.NewGuid():N}";
        var payload = JsonSerializer.Serialize(new { model = TestModel.Name, correlationId, record = Record });

        var published = await RunAsync("rabbitmqadmin", "-V", system.VirtualHost, "publish", $"exchange={IngestExchange}", "routing_key=prediction.requested", $"payload={payload}");

        Assert.True(published.ExitCode == 0, published.Output);
        var (body, _) = await ReceiveAsync(channel, results, correlationId);
        Assert.Equal(TestModel.Version, body.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Bad_requests_land_in_the_error_queue_with_the_reason_and_do_not_block_the_good_ones()
    {
        await using var broker = await ConnectAsync();
        var channel = broker.Channel;
        var results = await BindResultQueueAsync(channel);
        var tag = Guid.NewGuid().ToString("N");
        var invalidRecord = JsonSerializer.SerializeToElement(new { date = "2001-02-03T07:45:00", origin = "ORD", destination = "LAX", distance = "far" });

        await PublishRawAsync(channel, "application/json", Encoding.UTF8.GetBytes($"not json {tag}"));
        await PublishAsync(channel, "application/json", new { model = TestModel.Name, correlationId = $"invalid-{tag}", record = invalidRecord });
        await PublishAsync(channel, "application/json", new { model = "no-such-model", correlationId = $"unknown-{tag}", record = Record });
        await PublishAsync(channel, "application/json", new { correlationId = $"nomodel-{tag}", record = Record });
        await PublishAsync(channel, "application/json", new { model = TestModel.Name, correlationId = $"good-{tag}", record = Record });

        await ReceiveAsync(channel, results, $"good-{tag}");
        var faults = await DrainErrorQueueAsync(tag, expected: 4);
        Assert.Contains(faults, fault => fault.Body.Contains($"not json {tag}", StringComparison.Ordinal));
        Assert.Contains(faults, fault => fault.Body.Contains($"invalid-{tag}", StringComparison.Ordinal) && fault.Reason.Contains("distance", StringComparison.Ordinal));
        Assert.Contains(faults, fault => fault.Body.Contains($"unknown-{tag}", StringComparison.Ordinal) && fault.Reason.Contains("no-such-model", StringComparison.Ordinal));
        Assert.Contains(faults, fault => fault.Body.Contains($"nomodel-{tag}", StringComparison.Ordinal) && fault.Reason.Contains("model is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_requeue_command_moves_every_error_queue_message_back_with_its_body_and_headers()
    {
        await using var broker = await ConnectAsync();
        var channel = broker.Channel;
        const string Queue = "requeue-test";
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(Queue + "_error", durable: true, exclusive: false, autoDelete: false);
        for (var index = 0; index < 3; index++)
        {
            var properties = new BasicProperties { ContentType = "application/json", Headers = new Dictionary<string, object?> { ["MT-Fault-Message"] = $"reason {index}" } };
            await channel.BasicPublishAsync("", Queue + "_error", mandatory: true, properties, Encoding.UTF8.GetBytes($"{{\"n\":{index}}}"));
        }

        var moved = await RunAsync(Path.Combine(RepositoryRoot.Path, "scripts", "requeue-errors.sh"), Queue, system.VirtualHost);

        Assert.True(moved.ExitCode == 0, moved.Output);
        Assert.Contains($"moved the messages of {Queue}_error back to {Queue}", moved.Output, StringComparison.Ordinal);
        Assert.Equal(0u, await channel.MessageCountAsync(Queue + "_error"));
        var bodies = new List<string>();
        while (await channel.BasicGetAsync(Queue, autoAck: true) is { } message)
        {
            bodies.Add(Encoding.UTF8.GetString(message.Body.Span));
            Assert.Equal($"reason {bodies.Count - 1}", Encoding.UTF8.GetString((byte[])message.BasicProperties.Headers!["MT-Fault-Message"]!));
        }

        Assert.Equal(["{\"n\":0}", "{\"n\":1}", "{\"n\":2}"], bodies);
    }

    private Task<IngestClient> ConnectAsync() => IngestClient.ConnectAsync(system.VirtualHost);

    private static Task<string> BindResultQueueAsync(IChannel channel) => IngestClient.BindResultQueueAsync(channel);

    private static Task PublishAsync(IChannel channel, string contentType, object message) => IngestClient.PublishAsync(channel, contentType, message);

    private static Task PublishRawAsync(IChannel channel, string contentType, byte[] body) => IngestClient.PublishRawAsync(channel, contentType, body);

    private async Task<(JsonElement Body, IReadOnlyBasicProperties Properties)> ReceiveAsync(IChannel channel, string queue, string correlationId) =>
        await IngestClient.ReceiveAsync(channel, queue, correlationId, AnswerTimeout) ?? throw system.Failure($"No prediction with correlation id {correlationId} within {AnswerTimeout.TotalSeconds:0} s.");

    private async Task<List<(string Body, string Reason)>> DrainErrorQueueAsync(string tag, int expected)
    {
        var faults = await ErrorQueues.DrainAsync(system.VirtualHost, RequestQueue, tag, expected, AnswerTimeout);
        Assert.True(faults.Count == expected, $"{faults.Count} of {expected} bad requests reached the error queue: {string.Join(" | ", faults)}\n{system.Output}");
        return faults;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
