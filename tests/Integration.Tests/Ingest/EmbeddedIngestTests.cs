using System.Net;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Ingest;

/// <summary>
/// The embedded host (every service in one process) started on a real broker
/// (<c>Messaging__Transport=RabbitMq</c>) answers other systems' events the same way as the distributed mode, and sends
/// them its audit records.
/// </summary>
public sealed class EmbeddedIngestTests(RabbitMqFixture broker) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task The_embedded_host_on_RabbitMQ_answers_a_request_published_to_the_ingest_exchange_and_sends_its_audit_records_to_platform_events()
    {
        await using var virtualHost = await broker.CreateVirtualHostAsync("embedded-ingest");
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-embedded-ingest-{Guid.NewGuid():N}");
        // The host's registry may write to its folder (a retrained version, aliases): a copy of its own.
        var modelsFolder = await TestModel.CopyOfModelsFolderAsync();
        var environment = new Dictionary<string, string>(virtualHost.ServiceEnvironment())
        {
            ["Registry__ModelsFolder"] = modelsFolder,
            ["Storage__DataFolder"] = dataFolder,
        };
        try
        {
            await using var host = ServiceProcess.Start("Embedded", environment);
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            await host.WaitForStatusAsync($"/api/v1/models/{TestModel.Name}", HttpStatusCode.OK, Deadlines.ProcessStart);
            await using var client = await IngestClient.ConnectAsync(virtualHost.Name);
            var results = await IngestClient.BindResultQueueAsync(client.Channel);
            var correlationId = $"embedded-{Guid.NewGuid():N}";

            await IngestClient.PublishAsync(client.Channel, "application/json",
                new { model = TestModel.Name, correlationId, record = JsonSerializer.SerializeToElement(DistributedSystem.ExampleRecord) });

            var answer = await IngestClient.ReceiveAsync(client.Channel, results, correlationId, Deadlines.DistributedState)
                ?? throw host.Failure($"No prediction for {correlationId} within {Deadlines.DistributedState.TotalSeconds:0} s.");
            Assert.Equal(TestModel.Version, answer.Body.GetProperty("version").GetString());
            Assert.InRange(answer.Body.GetProperty("probability").GetDouble(), 0, 1);

            // An admin call refused for want of a key is an audit record, sent as plain JSON to platform.events.
            var audit = await client.Channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
            await client.Channel.QueueBindAsync(audit.QueueName, IngestClient.EventsExchange, "audit.refused.#");
            using (var anonymous = new HttpClient { BaseAddress = host.BaseAddress })
            using (var refused = await anonymous.PostAsync(new Uri("/api/v1/keys", UriKind.Relative), null))
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var record = await ReceiveAuditAsync(client, audit.QueueName, "/api/v1/keys", Deadlines.DistributedState)
                ?? throw host.Failure($"No audit record of POST /api/v1/keys within {Deadlines.DistributedState.TotalSeconds:0} s.");
            Assert.Equal("audit.refused.retrainer", record.RoutingKey);
            Assert.Equal(("anonymous", "POST", 401, "refused", "Retrainer"),
                (record.Body.GetProperty("who").GetString(), record.Body.GetProperty("method").GetString(), record.Body.GetProperty("status").GetInt32(),
                 record.Body.GetProperty("outcome").GetString(), record.Body.GetProperty("service").GetString()));
        }
        finally
        {
            foreach (var folder in new[] { dataFolder, modelsFolder })
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }
    }

    // The first audit record of a call to path on the queue, with its routing key, or null when none came in time.
    private static async Task<(JsonElement Body, string RoutingKey)?> ReceiveAuditAsync(IngestClient client, string queue, string path, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await client.Channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                var body = JsonDocument.Parse(message.Body.ToArray()).RootElement;
                if (body.GetProperty("path").GetString() == path)
                    return (body.Clone(), message.RoutingKey);
                continue;
            }

            await Task.Delay(50);
        }

        return null;
    }
}
