using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;
using RabbitMQ.Client;

namespace Integration.Tests.Ingest;

/// <summary>
/// The embedded host (every service in one process) started on a real broker (<c>Messaging__Transport=RabbitMq</c>)
/// answers other systems' events the same way as the distributed mode, and keeps who reported each outcome: an API key
/// over HTTP, the trusted external broker user on <c>platform.ingest</c>, in the feedback stats and in a retraining job;
/// and it sends them its audit records on <c>platform.events</c>.
/// </summary>
public sealed class EmbeddedIngestTests(EmbeddedBrokerHost embedded) : IClassFixture<EmbeddedBrokerHost>
{
    private static readonly TimeSpan Timeout = Deadlines.DistributedState;
    private static readonly string[] FeedbackOnly = ["feedback"];

    private ServiceProcess Host => embedded.Host;

    [Fact]
    public async Task The_embedded_host_on_RabbitMQ_answers_a_request_published_to_the_ingest_exchange()
    {
        await using var client = await IngestClient.ConnectAsync(embedded.VirtualHost);
        var results = await IngestClient.BindResultQueueAsync(client.Channel);
        var correlationId = $"embedded-{Guid.NewGuid():N}";

        await IngestClient.PublishAsync(client.Channel, "application/json",
            new { model = TestModel.Name, correlationId, record = JsonSerializer.SerializeToElement(DistributedSystem.ExampleRecord) });

        var answer = await IngestClient.ReceiveAsync(client.Channel, results, correlationId, Timeout)
            ?? throw Host.Failure($"No prediction for {correlationId} within {Timeout.TotalSeconds:0} s.");
        Assert.Equal(TestModel.Version, answer.Body.GetProperty("version").GetString());
        Assert.InRange(answer.Body.GetProperty("probability").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task Outcomes_posted_with_an_API_key_and_published_by_the_external_broker_user_are_counted_per_source_and_a_retraining_job_reports_its_labels_per_source()
    {
        // The tests' admin key (the host's first key) makes a key that may only send feedback.
        var admin = Host.Client;
        await Poll.UntilAnsweredAsync(admin, () => new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/keys", UriKind.Relative)),
            answer => answer.Status == HttpStatusCode.OK, Timeout, "the admin key to be accepted", Host.Failure);
        using var created = await admin.PostAsJsonAsync(new Uri("/api/v1/keys", UriKind.Relative), new { name = "ground truth from the warehouse", scopes = FeedbackOnly });
        var description = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, description.ToString());
        var keyId = description.GetProperty("description").GetProperty("keyId").GetString()!;
        using var feedbackKey = ClientWith(description.GetProperty("key").GetString()!);
        // Known to every check of the process once the key API refuses it for lacking admin (403, not 401).
        await Poll.UntilAnsweredAsync(feedbackKey, () => new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/keys", UriKind.Relative)),
            answer => answer.Status == HttpStatusCode.Forbidden, Timeout, "the feedback key to be known", Host.Failure);
        var (byKey, byBroker) = ($"key:{keyId}", $"broker:{embedded.Users.External}");
        var overHttp = await PredictAsync(admin);
        var overBroker = await PredictAsync(admin);
        // UUIDs, so the training data shows them as they are (other ids become UUIDs derived from them).
        var (httpId, brokerId) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        using (var posted = await feedbackKey.PostAsJsonAsync(new Uri("/api/v1/feedback", UriKind.Relative), new { outcomeId = httpId, predictionId = overHttp, value = 5 }))
            Assert.True(posted.StatusCode == HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
        await using (var external = await embedded.Users.ConnectAsync("external"))
        {
            await using var channel = await external.CreateChannelAsync();
            await channel.BasicPublishAsync(IngestClient.IngestExchange, "outcome.observed", mandatory: true,
                new BasicProperties { ContentType = "application/json", Persistent = true, UserId = embedded.Users.External },
                JsonSerializer.SerializeToUtf8Bytes(new { outcomeId = brokerId, predictionId = overBroker, value = 50 }));
        }

        // Each outcome joined and reported by its source; the stats count them per source, in all and for the model.
        foreach (var (outcomeId, source) in new[] { (httpId, byKey), (brokerId, byBroker) })
        {
            var outcome = await Poll.GetJsonAsync(admin, $"/api/v1/feedback/{outcomeId}", found => found.GetProperty("status").GetString() == "joined", Timeout, Host.Failure);
            Assert.Equal(source, outcome.GetProperty("reportedBy").GetString());
        }

        var stats = await Poll.GetJsonAsync(admin, "/api/v1/feedback/stats", _ => true, Timeout, Host.Failure);
        var expected = new (string?, long, long)[] { (byBroker, 1L, 1L), (byKey, 1L, 1L) };
        Assert.Equal(expected, Reporters(stats));
        Assert.Equal(expected, Reporters(Assert.Single(stats.GetProperty("models").EnumerateArray())));

        // The Retrainer keeps both labels with their sources; a retraining job counts them per source (two rows are far
        // fewer than it needs to train, so it fails, with the rows it would have used).
        var exported = await Poll.GetTextAsync(admin, $"/api/v1/models/{TestModel.Name}/training-data?format=jsonl",
            text => text.Contains(httpId, StringComparison.Ordinal) && text.Contains(brokerId, StringComparison.Ordinal), Timeout, Host.Failure);
        Assert.Equal([byBroker, byKey], RowsOf(exported).Select(row => row.GetProperty("reportedBy").GetString()).Order(StringComparer.Ordinal));
        using var requested = await admin.PostAsJsonAsync(new Uri($"/api/v1/models/{TestModel.Name}/retrainings", UriKind.Relative), new { reason = "labels per source" });
        var accepted = await requested.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(requested.StatusCode == HttpStatusCode.Accepted, accepted.ToString());
        var job = await Poll.GetJsonAsync(admin, accepted.GetProperty("location").GetString()!,
            found => found.GetProperty("state").GetString() != "running", Deadlines.LongWork, Host.Failure);
        var data = job.GetProperty("data");
        Assert.Equal((2, 1), (data.GetProperty("trainingRows").GetInt32() + data.GetProperty("holdoutRows").GetInt32(), data.GetProperty("holdoutRows").GetInt32()));
        Assert.Equal(
            [(byBroker, 1), (byKey, 1)],
            data.GetProperty("reporters").EnumerateArray().Select(source => (
                source.GetProperty("reportedBy").GetString(), source.GetProperty("trainingRows").GetInt32() + source.GetProperty("holdoutRows").GetInt32())));
    }

    [Fact]
    public async Task An_admin_call_refused_for_want_of_a_key_reaches_a_subscriber_of_platform_events_as_an_audit_record()
    {
        await using var client = await IngestClient.ConnectAsync(embedded.VirtualHost);
        var audit = await client.Channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await client.Channel.QueueBindAsync(audit.QueueName, IngestClient.EventsExchange, "audit.refused.#");
        var path = $"/api/v1/keys/{Guid.NewGuid():N}"[..26];

        using (var anonymous = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) })
        using (var refused = await anonymous.DeleteAsync(new Uri(path, UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var (record, routingKey) = await ReceiveAuditAsync(client, audit.QueueName, path)
            ?? throw Host.Failure($"No audit record of DELETE {path} within {Timeout.TotalSeconds:0} s.");
        Assert.Equal("audit.refused.retrainer", routingKey);
        Assert.Equal(("anonymous", "DELETE", 401, "refused", "Retrainer", "/api/v1/keys/{keyId}"),
            (record.GetProperty("who").GetString(), record.GetProperty("method").GetString(), record.GetProperty("status").GetInt32(),
             record.GetProperty("outcome").GetString(), record.GetProperty("service").GetString(), record.GetProperty("route").GetString()));
    }

    // The first audit record of a call to path on the queue (plain JSON) with its routing key, or null when none came in time.
    private static async Task<(JsonElement Record, string RoutingKey)?> ReceiveAuditAsync(IngestClient client, string queue, string path)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Timeout)
        {
            if (await client.Channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                var record = JsonDocument.Parse(message.Body.ToArray()).RootElement;
                if (record.GetProperty("path").GetString() == path)
                    return (record.Clone(), message.RoutingKey);
                continue;
            }

            await Task.Delay(50);
        }

        return null;
    }

    // The host's public API with an API key on every request.
    private HttpClient ClientWith(string key) =>
        TestKeys.Authorized(new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }, key);

    // Inference may still be loading the model when FeatureBuilder already describes it (503 until then).
    private async Task<Guid> PredictAsync(HttpClient client) =>
        (await Poll.PostUntilOkAsync(client, $"/api/v1/models/{TestModel.Name}/predict", DistributedSystem.ExampleRecord, Deadlines.ProcessStart, Host.Failure))
            .GetProperty("predictionId").GetGuid();

    private static IEnumerable<(string?, long, long)> Reporters(JsonElement counts) =>
        counts.GetProperty("reporters").EnumerateArray().Select(source => (
            source.TryGetProperty("reportedBy", out var reportedBy) ? reportedBy.GetString() : null, source.GetProperty("received").GetInt64(), source.GetProperty("joined").GetInt64()));

    private static List<JsonElement> RowsOf(string jsonLines) =>
        [.. jsonLines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
}
