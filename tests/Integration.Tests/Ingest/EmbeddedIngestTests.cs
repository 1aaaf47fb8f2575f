using System.Net;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Ingest;

/// <summary>
/// The embedded host (every service in one process) started on a real broker
/// (<c>Messaging__Transport=RabbitMq</c>) answers other systems' events the same way as the distributed mode.
/// </summary>
public sealed class EmbeddedIngestTests(RabbitMqFixture broker) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task The_embedded_host_on_RabbitMQ_answers_a_request_published_to_the_ingest_exchange()
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
}
