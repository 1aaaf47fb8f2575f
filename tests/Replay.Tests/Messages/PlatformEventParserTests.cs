using System.Text;
using System.Text.Json;
using Contracts.Models;
using Contracts.Monitoring;
using Contracts.Rollouts;
using Replay.Messages;

namespace Replay.Tests.Messages;

public sealed class PlatformEventParserTests
{
    private static readonly DateTimeOffset Detected = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_plain_prediction_gives_its_correlation_id_version_and_probability()
    {
        var prediction = Parse("prediction.made.flight-delay", """
            {"predictionId":"01a20750-2cad-74fb-9c28-9b7464295f12","correlationId":"ab12cd34:17","entityKey":"2001-01-03T07:05-ORD-DFW-3",
             "model":"flight-delay","version":"2","label":"on-time","probability":0.0639,"value":-13.41}
            """);

        var received = Assert.IsType<PredictionReceived>(prediction);
        Assert.Equal(("ab12cd34:17", "2001-01-03T07:05-ORD-DFW-3", "2", "on-time", 0.0639, -13.41), (received.CorrelationId, received.EntityKey, received.Version, received.Label, received.Probability!.Value, received.Value!.Value));
    }

    [Fact]
    public void A_cloud_event_prediction_is_read_from_its_data()
    {
        var prediction = Parse("prediction.made.flight-delay", """
            {"specversion":"1.0","type":"platform.prediction.made","source":"/platform/feature-builder","id":"01a2","correlationid":"ab12cd34:18",
             "datacontenttype":"application/json","data":{"predictionId":"01a2","correlationId":"ab12cd34:18","model":"flight-delay","version":"1","probability":0.7}}
            """);

        var received = Assert.IsType<PredictionReceived>(prediction);
        Assert.Equal(("ab12cd34:18", "1", 0.7), (received.CorrelationId, received.Version, received.Probability!.Value));
    }

    [Fact]
    public void A_drift_alert_as_monitor_serializes_it_gives_its_rule_version_and_drifted_columns()
    {
        var alert = new DriftDetected(Guid.NewGuid(), "flight-delay", "1", "input-drift", "last 5000 predictions", Detected.AddMinutes(-3), Detected.AddSeconds(-1), 5000,
            [new ColumnDrift("date.month", "psi", 4.2, 0.2, null), new ColumnDrift("origin", "psi", 0.31, 0.2, null)], Detected);

        var received = Assert.IsType<AlertReceived>(Parse("alert.drift.flight-delay", JsonSerializer.Serialize(alert, JsonSerializerOptions.Web)));

        Assert.Equal(("drift", "flight-delay", "1", "input-drift"), (received.Kind, received.Model, received.Version, received.Rule));
        Assert.Equal(["date.month", "origin"], received.Drifted.Select(column => column.Column));
        Assert.Equal(Detected.AddSeconds(-1), received.WindowEnd);
        Assert.Equal("date.month (psi 4.2), origin (psi 0.31)", received.Summary);
    }

    [Fact]
    public void A_registered_version_and_a_rollout_change_as_the_retrainer_sends_them_are_lifecycle_events()
    {
        var registered = new ModelRegistered("flight-delay", "2", new Uri("file:///models/flight-delay/2/"), Detected, "drift");
        var rollout = new RolloutChanged("flight-delay", "r-1", RolloutStrategies.Canary, "promoted", "2", "2", 1, "step 4 of 4 passed", Detected);

        var version = Assert.IsType<LifecycleReceived>(Parse("model.registered.flight-delay", JsonSerializer.Serialize(registered, JsonSerializerOptions.Web)));
        var change = Assert.IsType<LifecycleReceived>(Parse("rollout.promoted.flight-delay", JsonSerializer.Serialize(rollout, JsonSerializerOptions.Web)));

        Assert.Equal(("flight-delay", "registered", "2", "trigger drift"), (version.Model, version.Event, version.Version, version.Detail));
        Assert.Equal(("flight-delay", "rollout promoted", "2"), (change.Model, change.Event, change.Version));
        Assert.Equal("canary, challenger share 1, champion 2: step 4 of 4 passed", change.Detail);
    }

    [Fact]
    public void A_performance_alert_gives_its_metric_value_and_threshold()
    {
        var alert = new PerformanceDegraded(Guid.NewGuid(), "flight-delay", "1", "auc-drop", "auc", 0.61, 0.66, 0.71, "last 2000 outcomes",
            Detected.AddMinutes(-3), Detected, 2000, Detected);

        var received = Assert.IsType<AlertReceived>(Parse("alert.performance.flight-delay", JsonSerializer.Serialize(alert, JsonSerializerOptions.Web)));

        Assert.Equal(("performance", "auc", 0.61, 0.66), (received.Kind, received.Metric, received.Value, received.Threshold));
        Assert.Equal("auc 0.61 (threshold 0.66, training 0.71)", received.Summary);
    }

    [Fact]
    public void A_stalled_alert_gives_how_long_the_model_was_silent()
    {
        var alert = new PredictionsStalled(Guid.NewGuid(), "flight-delay", "1", "predictions-stalled", Detected.AddMinutes(-12), TimeSpan.FromMinutes(12), Detected);

        var received = Assert.IsType<AlertReceived>(Parse("alert.stalled.flight-delay", JsonSerializer.Serialize(alert, JsonSerializerOptions.Web)));

        Assert.Equal(("stalled", 720.0), (received.Kind, received.Value));
        Assert.Equal("no predictions for 12 min", received.Summary);
    }

    [Theory]
    [InlineData("prediction.made.flight-delay", "not json")]
    [InlineData("prediction.made.flight-delay", "[1,2]")]
    [InlineData("prediction.made.flight-delay", """{"correlationId":"x"}""")]
    [InlineData("something.else", """{"a":1}""")]
    public void What_is_not_a_prediction_or_an_alert_is_a_format_error_naming_the_routing_key(string routingKey, string body)
    {
        var error = Assert.Throws<FormatException>(() => Parse(routingKey, body));

        Assert.StartsWith(routingKey.Split('.')[0], error.Message, StringComparison.Ordinal);
    }

    private static PlatformEvent Parse(string routingKey, string json) => PlatformEventParser.Parse(routingKey, Encoding.UTF8.GetBytes(json));
}
