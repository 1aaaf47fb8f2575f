using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Ingest;
using Integration.Tests.Online;
using RabbitMQ.Client;

namespace Integration.Tests.Monitoring;

/// <summary>
/// Monitor in the distributed mode on RabbitMQ: it counts the predictions every service makes (online and
/// batch), reports drift per column, a timeline and the alert rules' states through the gateway, and
/// delivers a drift alert to the history, to outside systems on <c>platform.events</c> and to a webhook.
/// </summary>
public sealed class DistributedMonitoringTests(MonitoringSystem system) : IClassFixture<MonitoringSystem>
{
    private static readonly TimeSpan Timeout = Deadlines.DistributedState;
    private const string Model = TestModel.Name;

    [Fact]
    public async Task Online_predictions_appear_in_the_monitoring_report_and_timeline()
    {
        var before = await PredictionsCountedAsync();
        await PredictAsync(Records(40, origin: "ORD", hour: 8));

        await WaitUntilCountedAsync(before + 40);
        var report = await GetJsonAsync($"/api/v1/monitoring/models/{Model}/versions/{TestModel.Version}?window=time");
        Assert.Equal("time", report.GetProperty("window").GetProperty("kind").GetString());
        var columns = report.GetProperty("drift").EnumerateArray().Select(column => column.GetProperty("column").GetString()).ToList();
        Assert.Contains("origin", columns);
        Assert.Contains("distance", columns);
        Assert.Equal("prediction", columns[^1]);
        Assert.True(report.GetProperty("performance").GetProperty("estimated").GetProperty("rows").GetInt64() >= 40);

        var timeline = await GetJsonAsync($"/api/v1/monitoring/models/{Model}/versions/{TestModel.Version}/timeline");
        Assert.Equal(5, timeline.GetProperty("bucketSeconds").GetInt32());
        var points = timeline.GetProperty("points").EnumerateArray().ToList();
        Assert.True(points.Sum(point => point.GetProperty("predictions").GetInt64()) >= 40);
        Assert.Contains(points, point => point.GetProperty("latencyP50Ms").ValueKind == JsonValueKind.Number);
    }

    [Fact]
    public async Task A_drift_alert_reaches_the_history_the_events_exchange_and_the_webhook()
    {
        await using var broker = await IngestClient.ConnectAsync(system.VirtualHost);
        var alerts = await BindAlertQueueAsync(broker.Channel);

        // An airport the model never saw, at 3 am in June: origin, hour and month all leave the training distribution.
        for (var i = 0; i < 5; i++)
            await PredictAsync(Records(60, origin: "XYZ", hour: 3, month: 6));

        // The rule fires at every judgement while it is breached (no cool-down in this system), so the other tests'
        // predictions may have fired it already, and the first judgements after the queue is bound may still see their
        // rows: the alert this test caused is the one naming the columns its records moved.
        var published = await ReceiveAsync(broker.Channel, alerts, alert =>
            alert.GetProperty("rule").GetString() == "input-drift"
            && Drifted(alert).Contains("origin") && Drifted(alert).Contains("date.month"));
        Assert.Equal(Model, published.GetProperty("modelName").GetString());

        var alertId = published.GetProperty("alertId").GetString();
        var history = await Poll.GetJsonAsync(system.Client, $"/api/v1/monitoring/alerts?model={Model}&kind=drift",
            body => body.GetProperty("alerts").EnumerateArray().Any(entry => entry.GetProperty("alertId").GetString() == alertId), Timeout, system.Failure);
        var alert = history.GetProperty("alerts").EnumerateArray().First(entry => entry.GetProperty("alertId").GetString() == alertId);
        Assert.Contains("origin", alert.GetProperty("summary").GetString(), StringComparison.Ordinal);

        await Poll.UntilAsync(() => Task.FromResult(system.Webhook.Received.Any(body =>
            body.GetProperty("kind").GetString() == "drift"
            && body.GetProperty("alert").GetProperty("alertId").GetString() == alertId)), Timeout, "the webhook to receive the alert", system.Failure);

        var states = await GetJsonAsync("/api/v1/monitoring/alerts/active");
        Assert.Contains(states.GetProperty("rules").EnumerateArray(), rule =>
            rule.GetProperty("rule").GetString() == "input-drift" && rule.GetProperty("state").GetString() == "firing");
    }

    [Fact]
    public async Task Batch_rows_are_counted_like_online_predictions()
    {
        var before = await PredictionsCountedAsync();
        var csv = "date,origin,destination,distance\n" + string.Concat(Enumerable.Range(0, 120).Select(i => $"2001-01-1{i % 10}T0{i % 9}:15:00,DFW,ORD,{800 + i}\n"));
        using var content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        using var response = await system.Client.PostAsync(new Uri($"/api/v1/models/{Model}/batches", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        await WaitUntilCountedAsync(before + 120);
    }

    [Fact]
    public async Task Bad_query_parameters_are_problem_details_naming_the_parameter()
    {
        using var window = await system.Client.GetAsync(new Uri($"/api/v1/monitoring/models/{Model}/versions/{TestModel.Version}?window=week", UriKind.Relative));
        using var kind = await system.Client.GetAsync(new Uri("/api/v1/monitoring/alerts?kind=boredom", UriKind.Relative));
        using var unknown = await system.Client.GetAsync(new Uri("/api/v1/monitoring/models/no-such-model/versions/1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, window.StatusCode);
        Assert.True((await window.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("window", out _));
        Assert.Equal(HttpStatusCode.BadRequest, kind.StatusCode);
        Assert.True((await kind.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("kind", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    private async Task PredictAsync(object[] records)
    {
        using var response = await system.PostAsync($"/api/v1/models/{Model}/predict", records);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static object[] Records(int count, string origin, int hour, int month = 1) =>
        [.. Enumerable.Range(0, count).Select(i => new
        {
            date = new DateTime(2001, month, 1 + i % 28, hour, 15, 0).ToString("s"),
            origin,
            destination = i % 2 == 0 ? "LAX" : "ATL",
            distance = 300 + 37 * i,
        })];

    private async Task<long> PredictionsCountedAsync() => PredictionsCounted(await GetJsonAsync("/api/v1/monitoring/models"));

    private async Task WaitUntilCountedAsync(long predictions) =>
        await Poll.GetJsonAsync(system.Client, "/api/v1/monitoring/models", models => PredictionsCounted(models) >= predictions, Timeout, system.Failure);

    private static long PredictionsCounted(JsonElement models) =>
        models.GetProperty("models").EnumerateArray()
            .Where(model => model.GetProperty("model").GetString() == Model)
            .Sum(model => model.GetProperty("predictions").GetInt64());

    private static List<string?> Drifted(JsonElement alert) =>
        [.. alert.GetProperty("drifted").EnumerateArray().Select(column => column.GetProperty("column").GetString())];

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await system.Client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw system.Failure($"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<string> BindAlertQueueAsync(IChannel channel)
    {
        await channel.ExchangeDeclareAsync(IngestClient.EventsExchange, ExchangeType.Topic, durable: true);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, IngestClient.EventsExchange, $"alert.drift.{Model}");
        return queue.QueueName;
    }

    // The alerts published on platform.events, in order, until one matches.
    private async Task<JsonElement> ReceiveAsync(IChannel channel, string queue, Func<JsonElement, bool> match)
    {
        var clock = Stopwatch.StartNew();
        var received = new List<string>();
        while (clock.Elapsed < Timeout)
        {
            if (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                Assert.Equal("application/json", message.BasicProperties.ContentType);
                var alert = JsonDocument.Parse(message.Body.ToArray()).RootElement.Clone();
                if (match(alert))
                    return alert;
                received.Add(alert.ToString());
                continue;
            }

            await Task.Delay(100);
        }

        throw system.Failure($"No drift alert naming origin and date.month arrived on platform.events; received: {string.Join(" | ", received)}");
    }
}
