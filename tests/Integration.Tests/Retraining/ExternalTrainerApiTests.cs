using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Ingest;
using Integration.Tests.Monitoring;
using RabbitMQ.Client;
using TestSupport;

namespace Integration.Tests.Retraining;

/// <summary>
/// A team that trains elsewhere closes the loop, over HTTP in the embedded host on RabbitMQ: its model is set to the
/// external trainer; a retraining job announces the request on <c>platform.events</c> (<c>retraining.requested.&lt;model&gt;</c>,
/// read by a queue of the test's own) and POSTs it to the team's webhook (training window, export link, hold-out) and waits; the
/// export gives the training rows and none of the hold-out; the team's version that names the job is checked on
/// registration (an unknown job: 400 naming the field), scored with the champion on the hold-out, and rolled out; a
/// version naming the finished job is refused with 409.
/// </summary>
public sealed class ExternalTrainerApiTests(RabbitMqFixture broker) : IClassFixture<RabbitMqFixture>
{
    private const int Records = 300;

    [Fact]
    public async Task A_job_asks_the_teams_webhook_and_waits_and_the_version_that_names_it_is_evaluated_and_rolled_out()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-external-trainer-{Guid.NewGuid():N}");
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var virtualHost = await broker.CreateVirtualHostAsync("external-trainer");
        await using var events = await IngestClient.ConnectAsync(virtualHost.Name);
        await events.Channel.ExchangeDeclareAsync(IngestClient.EventsExchange, ExchangeType.Topic, durable: true);
        var queue = (await events.Channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await events.Channel.QueueBindAsync(queue, IngestClient.EventsExchange, $"retraining.requested.{ParcelModel.Name}");
        try
        {
            await using var host = ServiceProcess.Start("Embedded", ParcelModel.EmbeddedSettings(dataFolder, new Dictionary<string, string>(virtualHost.ServiceEnvironment())
            {
                ["Retraining__MinRows"] = Records.ToString(CultureInfo.InvariantCulture),
                ["Retraining__HoldoutShare"] = "0.25",
                ["Retraining__RolloutStrategy"] = "single",
                [$"Retraining__Models__{ParcelModel.Name}__Trainer"] = "external",
                ["Retraining__Webhooks__0"] = webhook.Address.ToString(),
            }));
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            await ParcelModel.RegisterAsync(host);
            await ParcelModel.PredictAndSendOutcomesAsync(host, Records, new Random(17));

            var job = await ParcelModel.RetrainOnEveryOutcomeAsync(host);

            Assert.True(job.GetProperty("state").GetString() == "waiting", job.ToString());
            var jobId = job.GetProperty("jobId").GetString()!;
            await Poll.UntilAsync(() => Task.FromResult(webhook.Received.Any(body => body.GetProperty("jobId").GetString() == jobId)),
                Deadlines.DistributedState, "the webhook to receive the retraining request", host.Failure);
            var request = webhook.Received.First(body => body.GetProperty("jobId").GetString() == jobId);
            Assert.Equal((ParcelModel.Name, "1", "multiclass", "manual", "logLoss"), (request.GetProperty("modelName").GetString(), request.GetProperty("championVersion").GetString(),
                request.GetProperty("task").GetString(), request.GetProperty("trigger").GetString(), request.GetProperty("metric").GetString()));
            Assert.Equal((225, 75), (request.GetProperty("trainingRows").GetInt32(), request.GetProperty("holdoutRows").GetInt32()));
            Assert.Equal(job.GetProperty("external").GetProperty("exportPath").GetString(), request.GetProperty("exportPath").GetString());

            // The same document on platform.events, as plain JSON, for systems that listen on the broker.
            BasicGetResult? announced = null;
            await Poll.UntilAsync(async () => (announced = await events.Channel.BasicGetAsync(queue, autoAck: true)) is not null,
                Deadlines.DistributedState, "the retraining request on platform.events", host.Failure);
            Assert.Equal("application/json", announced!.BasicProperties.ContentType);
            var onBroker = JsonDocument.Parse(announced.Body).RootElement;
            Assert.Equal((jobId, request.GetProperty("exportPath").GetString()), (onBroker.GetProperty("jobId").GetString(), onBroker.GetProperty("exportPath").GetString()));

            // The export: the training rows, none of the hold-out.
            using (var export = await host.Client.GetAsync(new Uri(request.GetProperty("exportPath").GetString()!, UriKind.Relative)))
            {
                var csv = await export.Content.ReadAsStringAsync();
                Assert.True(export.StatusCode == HttpStatusCode.OK, csv);
                Assert.Equal(225 + 1, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            }

            // A version naming a job the model does not have is refused, naming the field; nothing is registered.
            using (var unknown = await host.Client.SendAsync(ParcelModel.VersionUpload(TeamCard("2", "no-such-job"), TeamModel())))
            {
                Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
                Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("card.lineage.retrainingJob", out _));
            }

            // The team's version: registered, evaluated against the champion on the hold-out, and rolled out (single).
            using (var registered = await host.Client.SendAsync(ParcelModel.VersionUpload(TeamCard("2", jobId), TeamModel())))
                Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
            var evaluated = await Poll.GetJsonAsync(host.Client, $"{ParcelModel.Path}/retrainings/{jobId}",
                candidate => candidate.GetProperty("state").GetString() is not ("waiting" or "running"), Deadlines.LongWork, host.Failure);
            Assert.True(evaluated.GetProperty("state").GetString() == "succeeded", evaluated.ToString());
            var evaluation = evaluated.GetProperty("evaluation");
            Assert.Equal(("rolled-out", "2"), (evaluation.GetProperty("decision").GetString(), evaluated.GetProperty("challengerVersion").GetString()));
            Assert.Equal((75, 75), (evaluation.GetProperty("champion").GetProperty("rows").GetInt32(), evaluation.GetProperty("challenger").GetProperty("rows").GetInt32()));
            Assert.True(evaluation.GetProperty("challenger").GetProperty("logLoss").GetDouble() < Math.Log(3) - 0.1, evaluation.ToString());
            await Poll.GetJsonAsync(host.Client, $"{ParcelModel.Path}/versions", versions => versions.GetProperty("servedVersion").GetString() == "2",
                Deadlines.DistributedState, host.Failure);

            // The job is over: another version naming it is refused.
            using var late = await host.Client.SendAsync(ParcelModel.VersionUpload(TeamCard("3", jobId), TeamModel()));
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
            Assert.Contains("succeeded", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dataFolder))
                Directory.Delete(dataFolder, recursive: true);
        }
    }

    // The team's card: the model's, another version, naming the job it answers.
    private static string TeamCard(string version, string jobId)
    {
        var card = JsonNode.Parse(ParcelModel.Card)!.AsObject();
        card["version"] = version;
        card["lineage"] = new JsonObject { ["trigger"] = "external", ["retrainingJob"] = jobId, ["trainer"] = "the team's own" };
        return card.ToJsonString();
    }

    // What the team trained elsewhere: a linear model on x alone (small below about 4, large above about 8).
    private static byte[] TeamModel()
    {
        var weights = new float[6, 3];
        (weights[0, 0], weights[0, 1], weights[0, 2]) = (-1.5f, 0f, 1.5f);
        return LinearOnnxModel.Multiclass(weights, [6f, 0f, -12f]);
    }
}
