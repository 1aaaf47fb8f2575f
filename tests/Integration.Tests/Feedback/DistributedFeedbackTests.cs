using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Contracts.Outcomes;
using Integration.Tests.BrokerUsers;
using Integration.Tests.Ingest;
using Integration.Tests.Online;
using RabbitMQ.Client;

namespace Integration.Tests.Feedback;

/// <summary>
/// Ground truth in the distributed mode (each service its own process, real RabbitMQ): predictions made through
/// the gateway, outcomes sent through the gateway and as events on <c>platform.ingest</c> with the plain RabbitMQ
/// client as the trusted external broker user (with <c>user_id</c>), joined by FeedbackCollector and published as
/// <see cref="OutcomeRecorded"/>, which a bus of the test's own receives as Monitor and the Retrainer would. Outcome
/// events of anyone else are refused.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class DistributedFeedbackTests(SharedSystem feedback)
{
    private const string IngestExchange = "platform.ingest";
    private const string OutcomeObservedKey = "outcome.observed";
    private const string OutcomesQueue = "feedback-collector-ingest-outcomes";
    private const string PublisherHeader = "Platform-Ingest-UserId";
    private static readonly TimeSpan Timeout = Deadlines.DistributedState;

    private DistributedSystem System => feedback;

    [Fact]
    public async Task Feedback_by_prediction_id_through_the_gateway_is_published_as_OutcomeRecorded_with_the_prediction_and_a_repeat_is_a_duplicate()
    {
        var entityKey = $"UA-{Guid.NewGuid():N}";
        var predictionId = await PredictAsync(entityKey);
        // Logged first, so the outcome joins inline: its OutcomeRecorded is out before the POST is answered. (An outcome
        // left pending is published later by the prediction log's consumer, which a repeat could overtake.)
        await WaitUntilLoggedAsync(predictionId);
        var outcomeId = Guid.NewGuid().ToString();

        var first = await PostFeedbackAsync(new { outcomeId, predictionId, value = 37 });

        Assert.Equal("joined", first.GetProperty("status").GetString());
        var recorded = Assert.Single(await WaitForRecordedAsync(message => message.PredictionId == predictionId));
        Assert.Equal(Guid.Parse(outcomeId), recorded.OutcomeId);
        Assert.Equal((TestModel.Name, TestModel.Version, entityKey, "online"), (recorded.ModelName, recorded.ModelVersion, recorded.EntityKey, recorded.Source));
        Assert.Equal(37, recorded.ActualValue);
        Assert.NotEmpty(recorded.Features);
        Assert.InRange(recorded.Probability!.Value, 0, 1);
        Assert.Equal("ORD", recorded.Input!.Value.GetProperty("origin").GetString());
        var stored = await WaitForOutcomeAsync(outcomeId, "joined");
        Assert.Equal([predictionId], stored.GetProperty("predictionIds").EnumerateArray().Select(id => id.GetGuid()));

        var again = await PostFeedbackAsync(new { outcomeId, predictionId, value = 37 });

        Assert.Equal("duplicate", again.GetProperty("status").GetString());
        // A barrier instead of a wait: FeedbackCollector publishes (and the broker confirms) an inline join's events
        // before it answers the POST, so anything the repeat published is queued for the listener before the marker's
        // event, and the listener takes its events one at a time in queue order. Once the marker's event is received,
        // every event the repeat could have caused has been received too.
        var markerPrediction = await PredictAsync($"UA-marker-{Guid.NewGuid():N}");
        await WaitUntilLoggedAsync(markerPrediction);
        var marker = await PostFeedbackAsync(new { outcomeId = Guid.NewGuid().ToString(), predictionId = markerPrediction, value = 1 });
        Assert.Equal("joined", marker.GetProperty("status").GetString());
        await WaitForRecordedAsync(message => message.PredictionId == markerPrediction);
        Assert.Equal(1, feedback.Outcomes.Count(message => message.PredictionId == predictionId));
    }

    [Fact]
    public async Task Feedback_by_model_and_entity_key_joins_the_prediction_made_for_that_entity()
    {
        var entityKey = $"DL-{Guid.NewGuid():N}";
        var predictionId = await PredictAsync(entityKey);
        await WaitUntilLoggedAsync(predictionId);

        var receipt = await PostFeedbackAsync(new { model = TestModel.Name, entityKey, label = "late" });

        Assert.Equal("joined", receipt.GetProperty("status").GetString());
        Assert.Equal([predictionId], receipt.GetProperty("predictionIds").EnumerateArray().Select(id => id.GetGuid()));
        var recorded = Assert.Single(await WaitForRecordedAsync(message => message.PredictionId == predictionId));
        Assert.Equal(("late", entityKey), (recorded.ActualLabel, recorded.EntityKey));
    }

    [Fact]
    public async Task An_outcome_sent_before_its_prediction_exists_is_joined_once_the_prediction_arrives()
    {
        var entityKey = $"AA-{Guid.NewGuid():N}";
        var outcomeId = Guid.NewGuid().ToString();
        // Observed later than the prediction about to be made: that prediction is the one it belongs to.
        var observedAt = DateTimeOffset.UtcNow.AddHours(1);

        var receipt = await PostFeedbackAsync(new { outcomeId, model = TestModel.Name, entityKey, observedAt, value = 5 });
        Assert.Equal("pending", receipt.GetProperty("status").GetString());
        Assert.Equal("pending", (await GetOutcomeAsync(outcomeId)).GetProperty("status").GetString());

        var predictionId = await PredictAsync(entityKey);

        var recorded = Assert.Single(await WaitForRecordedAsync(message => message.PredictionId == predictionId));
        Assert.Equal((Guid.Parse(outcomeId), 5d), (recorded.OutcomeId, recorded.ActualValue));
        Assert.Equal(observedAt.UtcTicks / TimeSpan.TicksPerMillisecond, recorded.ObservedAt.UtcTicks / TimeSpan.TicksPerMillisecond);
        var stored = await WaitForOutcomeAsync(outcomeId, "joined");
        Assert.Equal([predictionId], stored.GetProperty("predictionIds").EnumerateArray().Select(id => id.GetGuid()));
    }

    [Fact]
    public async Task Outcome_events_published_with_the_RabbitMQ_client_as_plain_JSON_and_as_a_CloudEvent_are_joined()
    {
        var plainPrediction = await PredictAsync($"WN-{Guid.NewGuid():N}");
        var cloudEventKey = $"B6-{Guid.NewGuid():N}";
        var cloudEventPrediction = await PredictAsync(cloudEventKey);
        await WaitUntilLoggedAsync(cloudEventPrediction);
        var plainId = Guid.NewGuid();
        var eventId = Guid.NewGuid();
        await using var external = await feedback.Users.ConnectAsync("external");
        await using var channel = await external.CreateChannelAsync();

        await PublishAsync(channel, "application/json", JsonSerializer.SerializeToUtf8Bytes(new { outcomeId = plainId, predictionId = plainPrediction, value = 12 }), feedback.Users.External);
        await PublishAsync(channel, "application/cloudevents+json", JsonSerializer.SerializeToUtf8Bytes(new
        {
            specversion = "1.0",
            type = "com.example.flights.arrived",
            source = "/tests/airport",
            id = eventId.ToString(),
            datacontenttype = "application/json",
            data = new { model = TestModel.Name, entityKey = cloudEventKey, value = 41 },
        }), feedback.Users.External);

        var plain = Assert.Single(await WaitForRecordedAsync(message => message.PredictionId == plainPrediction));
        var cloudEvent = Assert.Single(await WaitForRecordedAsync(message => message.PredictionId == cloudEventPrediction));
        Assert.Equal((plainId, 12d), (plain.OutcomeId, plain.ActualValue));
        Assert.Equal((eventId, 41d, cloudEventKey), (cloudEvent.OutcomeId, cloudEvent.ActualValue, cloudEvent.EntityKey));
        Assert.Equal([$"broker:{feedback.Users.External}"], new[] { plain.ReportedBy, cloudEvent.ReportedBy }.Distinct());
        await WaitForOutcomeAsync(eventId.ToString(), "joined");
    }

    [Fact]
    public async Task An_outcome_published_by_the_external_broker_user_with_user_id_is_recorded_as_reported_by_it_down_to_the_Retrainers_labelled_row()
    {
        var prediction = await PredictAsync($"AA-{Guid.NewGuid():N}");
        var users = feedback.Users;
        var source = $"broker:{users.External}";
        await using var external = await users.ConnectAsync("external");
        await using var channel = await external.CreateChannelAsync();
        var outcomeId = Guid.NewGuid();

        // user_id is the publisher's own name: RabbitMQ refuses any other (ExternalBrokerUserTests).
        await channel.BasicPublishAsync(IngestExchange, OutcomeObservedKey, mandatory: true,
            new BasicProperties { ContentType = "application/json", Persistent = true, UserId = users.External },
            JsonSerializer.SerializeToUtf8Bytes(new { outcomeId, predictionId = prediction, value = 5 }));

        var recorded = Assert.Single(await WaitForRecordedAsync(message => message.PredictionId == prediction));
        Assert.Equal((outcomeId, source), (recorded.OutcomeId, recorded.ReportedBy));
        var outcome = await WaitForOutcomeAsync(outcomeId.ToString(), "joined");
        Assert.Equal(source, outcome.GetProperty("reportedBy").GetString());
        var exported = await Poll.GetTextAsync(System.Client, $"/api/v1/models/{TestModel.Name}/training-data?format=jsonl",
            text => text.Contains(outcomeId.ToString(), StringComparison.Ordinal), Timeout, System.Failure);
        var row = exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)
            .Single(line => line.GetProperty("outcomeId").GetString() == outcomeId.ToString());
        Assert.Equal(source, row.GetProperty("reportedBy").GetString());
    }

    [Fact]
    public async Task Outcome_events_without_user_id_or_from_a_broker_user_that_is_not_trusted_land_in_the_error_queue_with_the_reason()
    {
        var tag = Guid.NewGuid().ToString("N");
        // Valid outcomes: what refuses them is who published them.
        byte[] Outcome(string kind) => JsonSerializer.SerializeToUtf8Bytes(new { outcomeId = $"{kind}-{tag}", model = TestModel.Name, entityKey = $"UA-{tag}", value = 3 });
        await using (var guest = await IngestClient.ConnectAsync(System.VirtualHost))
        {
            await PublishAsync(guest.Channel, "application/json", Outcome("no-user"));
            await PublishAsync(guest.Channel, "application/json", Outcome("guest"), RabbitMqFixture.Username);
        }

        // The external user without user_id: the property, not the login, names the publisher.
        await using (var external = await feedback.Users.ConnectAsync("external"))
        {
            await using var channel = await external.CreateChannelAsync();
            await PublishAsync(channel, "application/json", Outcome("external-no-user"));
        }

        var faults = await DrainErrorQueueAsync(tag, expected: 3);
        Assert.Equal(2, faults.Count(fault => fault.Body.Contains("no-user", StringComparison.Ordinal)
            && fault.Reason.Contains("without the AMQP property user_id", StringComparison.Ordinal)));
        Assert.Contains(faults, fault => fault.Body.Contains($"guest-{tag}", StringComparison.Ordinal)
            && fault.Reason.Contains($"'{RabbitMqFixture.Username}', which is not a trusted broker user", StringComparison.Ordinal));
        Assert.All(faults, fault => Assert.Contains($"Feedback:TrustedBrokerUsers: {feedback.Users.External}", fault.Reason, StringComparison.Ordinal));
        foreach (var kind in new[] { "no-user", "guest", "external-no-user" })
            Assert.Equal(HttpStatusCode.NotFound, (await System.Client.GetAsync(new Uri($"/api/v1/feedback/{kind}-{tag}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_outcome_moved_back_from_the_error_queue_counts_as_published_by_the_user_its_header_kept_and_only_from_there()
    {
        var tag = Guid.NewGuid().ToString("N");
        var prediction = await PredictAsync($"RQ-{tag}");
        var requeued = Guid.NewGuid();
        byte[] Outcome(Guid id) => JsonSerializer.SerializeToUtf8Bytes(new { outcomeId = id, predictionId = prediction, value = 8, tag });
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            Persistent = true,
            Headers = new Dictionary<string, object?> { [PublisherHeader] = feedback.Users.External, ["MT-Fault-Message"] = "the store was down" },
        };
        await using var guest = await IngestClient.ConnectAsync(System.VirtualHost);
        // As FeedbackCollector moves a refused outcome: into the error queue, its publisher in the header.
        await guest.Channel.QueueDeclareAsync(OutcomesQueue + "_error", durable: true, exclusive: false, autoDelete: false);
        await guest.Channel.BasicPublishAsync("", OutcomesQueue + "_error", mandatory: true, properties, Outcome(requeued));

        var moved = await RunAsync(RepositoryFiles.Find("scripts/requeue-errors.sh"), OutcomesQueue, System.VirtualHost);

        Assert.True(moved.ExitCode == 0, moved.Output);
        var outcome = await WaitForOutcomeAsync(requeued.ToString(), "joined");
        Assert.Equal($"broker:{feedback.Users.External}", outcome.GetProperty("reportedBy").GetString());
        // The header on a message published on platform.ingest names no publisher: only user_id does there.
        var claimed = Guid.NewGuid();
        await guest.Channel.BasicPublishAsync(IngestExchange, OutcomeObservedKey, mandatory: true, properties, Outcome(claimed));
        var refused = Assert.Single(await DrainErrorQueueAsync(claimed.ToString(), expected: 1));
        Assert.Contains("without the AMQP property user_id", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_outcome_events_land_in_the_error_queue_with_the_reason()
    {
        var tag = Guid.NewGuid().ToString("N");
        // From the trusted external user, so what refuses them is what they hold.
        var user = feedback.Users.External;
        await using var external = await feedback.Users.ConnectAsync("external");
        await using var channel = await external.CreateChannelAsync();

        await PublishAsync(channel, "application/json", JsonSerializer.SerializeToUtf8Bytes(new { outcomeId = tag, predictionId = $"flight-{tag}", value = 1 }), user);
        await PublishAsync(channel, "application/cloudevents+json", JsonSerializer.SerializeToUtf8Bytes(new
        {
            specversion = "1.0", type = "flight.arrived", source = "/tests", id = tag, data = new { model = TestModel.Name, entityKey = "X", value = "late" },
        }), user);
        await PublishAsync(channel, "application/json", Encoding.UTF8.GetBytes($"not json {tag}"), user);

        var moved = await ErrorQueues.DrainMessagesAsync(System.VirtualHost, OutcomesQueue, tag, expected: 3, Timeout);
        Assert.True(moved.Count == 3, $"{moved.Count} of 3 bad outcomes reached the error queue: {string.Join(" | ", moved)}\n{System.Output}");
        // Moved by FeedbackCollector's own broker user, which RabbitMQ would refuse with the publisher's user_id: it is kept in a header.
        Assert.All(moved, fault => Assert.Null(fault.Properties.UserId));
        Assert.All(moved, fault => Assert.Equal(user, Encoding.UTF8.GetString((byte[])fault.Properties.Headers![PublisherHeader]!)));
        var faults = moved.Select(fault => (fault.Body, fault.Reason)).ToList();
        Assert.Contains(faults, fault => fault.Body.Contains($"flight-{tag}", StringComparison.Ordinal) && fault.Reason.Contains("predictionId", StringComparison.Ordinal));
        Assert.Contains(faults, fault => fault.Body.Contains("late", StringComparison.Ordinal) && fault.Reason.Contains("data.value", StringComparison.Ordinal));
        Assert.Contains(faults, fault => fault.Body.Contains($"not json {tag}", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await System.Client.GetAsync(new Uri($"/api/v1/feedback/{tag}", UriKind.Relative))).StatusCode);
    }

    private async Task<Guid> PredictAsync(string entityKey)
    {
        using var response = await System.PostAsync($"/api/v1/models/{TestModel.Name}/predict",
            new { date = "2001-02-03T07:45:00", origin = "ORD", destination = "LAX", distance = 1744, entityKey });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw System.Failure($"The prediction answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("predictionId").GetGuid();
    }

    // FeedbackCollector logs a prediction when its PredictionMade arrives over the broker: 404 until then.
    private async Task WaitUntilLoggedAsync(Guid predictionId) =>
        await System.Gateway.WaitForStatusAsync($"/api/v1/predictions/{predictionId}", HttpStatusCode.OK, Timeout);

    private async Task<JsonElement> PostFeedbackAsync(object outcome)
    {
        using var response = await System.Client.PostAsJsonAsync(new Uri("/api/v1/feedback", UriKind.Relative), outcome);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw System.Failure($"POST /api/v1/feedback answered {(int)response.StatusCode}: {body}");
        return Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("outcomes").EnumerateArray()).Clone();
    }

    private async Task<JsonElement> GetOutcomeAsync(string outcomeId) =>
        JsonDocument.Parse(await System.Gateway.WaitForStatusAsync($"/api/v1/feedback/{outcomeId}", HttpStatusCode.OK, Timeout)).RootElement.Clone();

    private async Task<JsonElement> WaitForOutcomeAsync(string outcomeId, string status)
    {
        var clock = Stopwatch.StartNew();
        var outcome = await GetOutcomeAsync(outcomeId);
        while (outcome.GetProperty("status").GetString() != status && clock.Elapsed < Timeout)
        {
            await Task.Delay(100);
            outcome = await GetOutcomeAsync(outcomeId);
        }

        Assert.True(outcome.GetProperty("status").GetString() == status, $"Outcome {outcomeId} is {outcome}, not {status}.");
        return outcome;
    }

    private async Task<IReadOnlyList<OutcomeRecorded>> WaitForRecordedAsync(Func<OutcomeRecorded, bool> match) =>
        await feedback.Outcomes.WaitForAsync(match, 1, Timeout) ?? throw System.Failure($"No OutcomeRecorded arrived within {Timeout.TotalSeconds:0} s.");

    // userId: the AMQP property user_id, which RabbitMQ checks against the connection's user; none by default.
    private static async Task PublishAsync(IChannel channel, string contentType, byte[] body, string? userId = null) =>
        await channel.BasicPublishAsync(IngestExchange, OutcomeObservedKey, mandatory: true,
            new BasicProperties { ContentType = contentType, Persistent = true, UserId = userId }, body);

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

    private async Task<List<(string Body, string Reason)>> DrainErrorQueueAsync(string tag, int expected)
    {
        var faults = await ErrorQueues.DrainAsync(System.VirtualHost, OutcomesQueue, tag, expected, Timeout);
        Assert.True(faults.Count == expected, $"{faults.Count} of {expected} bad outcomes reached the error queue: {string.Join(" | ", faults)}\n{System.Output}");
        return faults;
    }
}
