using Contracts.Monitoring;
using Contracts.Outcomes;
using Contracts.Rollouts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Modeling.Bundles;
using Modeling.Cards;
using Retrainer.Consumers;
using Retrainer.Rollouts;
using Retrainer.Tests.Training;

namespace Retrainer.Tests.Rollouts;

/// <summary>
/// The evidence a running rollout is judged on, taken from the bus: Inference's online scoring requests per version
/// (nothing else: other routes, services, versions and models are left out) and the outcomes of predictions the
/// rollout's versions made since it started, judged right or wrong by the version's card.
/// </summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class RolloutEvidenceConsumersTests(BootstrapModelFixture fixture)
{
    private static readonly double[] Bounds = [10, 20, 50];

    [DemoDataFact]
    public async Task Scoring_requests_of_the_rollouts_versions_are_counted_per_version_and_everything_else_is_left_out()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Canary, "manual"), CancellationToken.None)).RolloutId!;
        await using var bus = await BusAsync(system);

        await bus.Harness.Bus.Publish(Report("Inference",
            Route(RolloutRequestMetricsConsumer.ScoringRoute, "flight-delay", "1", requests: 100, errors: 1, [90, 5, 5, 0]),
            Route(RolloutRequestMetricsConsumer.ScoringRoute, "flight-delay", "2", requests: 20, errors: 2, [10, 5, 4, 1]),
            Route(RolloutRequestMetricsConsumer.ScoringRoute, "flight-delay", "3", requests: 50, errors: 0, [50, 0, 0, 0]),
            Route(RolloutRequestMetricsConsumer.ScoringRoute, "flight-delay", null, requests: 7, errors: 7, [7, 0, 0, 0]),
            Route("POST /v2/models/{model}/infer", "flight-delay", "2", requests: 30, errors: 30, [30, 0, 0, 0])));
        await bus.Harness.Bus.Publish(Report("FeatureBuilder", Route(RolloutRequestMetricsConsumer.ScoringRoute, "flight-delay", "2", requests: 40, errors: 40, [40, 0, 0, 0])));
        await bus.Harness.Bus.Publish(Report("Inference", Route(RolloutRequestMetricsConsumer.ScoringRoute, "flight-delay", "2", requests: 20, errors: 0, [20, 0, 0, 0])));
        await bus.ConsumedAsync<RequestMetricsReported>(3);

        var champion = system.Evidence.Of(id, "1");
        var challenger = system.Evidence.Of(id, "2");
        Assert.Equal((100L, 1L, 0.01), (champion.Requests, champion.Errors, champion.ErrorRate));
        Assert.Equal((40L, 2L, 0.05), (challenger.Requests, challenger.Errors, challenger.ErrorRate));
        Assert.Equal(20, champion.LatencyP95Ms); // 95 of 100 needed: 90 within 10 ms, 95 within 20 ms
        Assert.Equal(50, challenger.LatencyP95Ms); // 38 of 40 needed: 30 + 5 + 4 within 50 ms
        Assert.Equal(0, system.Evidence.Of(id, "3").Requests);
    }

    [DemoDataFact]
    public async Task Outcomes_of_the_rollouts_versions_since_it_started_count_as_right_or_wrong_with_their_probabilities()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var started = system.Time.Now;
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Bandit, "manual"), CancellationToken.None)).RolloutId!;
        await using var bus = await BusAsync(system);
        var after = started.AddMinutes(1);

        // The card: "late" when the delay is over 15 minutes; a probability of at least 0.5 predicts "late".
        OutcomeRecorded[] outcomes =
        [
            Outcome("2", delay: 40, "late", 0.9f, after),     // right
            Outcome("2", delay: 3, "on-time", 0.2f, after),   // right
            Outcome("2", delay: 30, "on-time", 0.3f, after),  // wrong
            Outcome("1", delay: 0, "late", 0.7f, after),      // wrong
            Outcome("2", delay: 40, "late", 0.9f, started.AddMinutes(-1)), // predicted before the rollout
            Outcome("3", delay: 40, "late", 0.9f, after),     // not in the rollout
            Outcome("2", delay: 40, "late", 0.9f, after) with { ModelName = "other-model" },
        ];
        foreach (var outcome in outcomes)
            await bus.Harness.Bus.Publish(outcome);
        await bus.ConsumedAsync<OutcomeRecorded>(outcomes.Length);

        var challenger = system.Evidence.Of(id, "2");
        var champion = system.Evidence.Of(id, "1");
        Assert.Equal((3L, 2L), (challenger.Outcomes, challenger.Correct));
        Assert.Equal((1L, 0L), (champion.Outcomes, champion.Correct));
        // AUC of (0.9 late, 0.2 on time, 0.3 late): the late pairs rank 0.9 > 0.2 (right) and 0.3 > 0.2 (right).
        Assert.Equal(1.0, challenger.Auc);
        Assert.Equal(0, system.Evidence.Of(id, "3").Outcomes);
    }

    [DemoDataFact]
    public async Task A_multiclass_versions_outcomes_are_right_when_the_label_it_named_or_its_most_probable_label_is_the_truth()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var id = await StartOwnModelAsync(system, ModelTask.Multiclass, RolloutStrategies.Bandit);
        await using var bus = await BusAsync(system);
        var after = system.Time.Now.AddMinutes(1);

        // Labels low, middle, high.
        OutcomeRecorded[] outcomes =
        [
            OwnOutcome("2", null, "middle", "middle", null, null, after),                  // right, by label
            OwnOutcome("2", null, "HIGH", null, [0.1f, 0.2f, 0.7f], null, after),           // right, by probabilities (any case)
            OwnOutcome("2", null, "low", "high", [0.8f, 0.1f, 0.1f], null, after),          // wrong: the label named wins
            OwnOutcome("1", null, "low", "low", null, null, after),                         // right
            OwnOutcome("2", null, "unknown-kind", "low", null, null, after),                 // truth unreadable: left out
        ];
        foreach (var outcome in outcomes)
            await bus.Harness.Bus.Publish(outcome);
        await bus.ConsumedAsync<OutcomeRecorded>(outcomes.Length);

        var challenger = system.Evidence.Of(id, "2");
        Assert.Equal((3L, 2L, 2.0 / 3), (challenger.Outcomes, challenger.Correct, challenger.Accuracy!.Value));
        Assert.Null(challenger.Auc);
        Assert.Null(challenger.Rmse);
        Assert.Equal((1L, 1L), (system.Evidence.Of(id, "1").Outcomes, system.Evidence.Of(id, "1").Correct));
    }

    [DemoDataFact]
    public async Task A_regression_versions_outcomes_give_its_live_rmse_and_no_accuracy()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var id = await StartOwnModelAsync(system, ModelTask.Regression, RolloutStrategies.Canary);
        await using var bus = await BusAsync(system);
        var after = system.Time.Now.AddMinutes(1);

        OutcomeRecorded[] outcomes =
        [
            OwnOutcome("2", 10, null, null, null, 13f, after),  // error 3
            OwnOutcome("2", 10, null, null, null, 6f, after),   // error -4
            OwnOutcome("2", null, "12", null, null, 12f, after), // a label that reads as a number: error 0
            OwnOutcome("2", 10, null, null, null, null, after), // no predicted value: left out
        ];
        foreach (var outcome in outcomes)
            await bus.Harness.Bus.Publish(outcome);
        await bus.ConsumedAsync<OutcomeRecorded>(outcomes.Length);

        var challenger = system.Evidence.Of(id, "2");
        Assert.Equal(3, challenger.Outcomes);
        Assert.Equal(Math.Sqrt(25.0 / 3), challenger.Rmse!.Value, 9);
        Assert.Null(challenger.Accuracy);
    }

    [DemoDataFact]
    public async Task A_bandit_cannot_roll_out_a_regression_whose_predictions_are_neither_right_nor_wrong()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        await RegisterOwnModelAsync(system, ModelTask.Regression);

        var started = await system.Manager.StartAsync(new RolloutStart(OwnModel, "2", RolloutStrategies.Bandit, "manual"), CancellationToken.None);

        Assert.False(started.Started);
        Assert.Contains("regression", started.Error, StringComparison.Ordinal);
        Assert.Empty(await system.Manager.ActiveAsync(CancellationToken.None));
    }

    // A model of the task, versions 1 (champion) and 2, made without ML.NET (its weights do not matter here).
    private const string OwnModel = "own-model";

    private static async Task RegisterOwnModelAsync(RolloutTestSystem system, ModelTask task)
    {
        var card = SyntheticModels.Card(task, OwnModel);
        var onnx = task == ModelTask.Multiclass
            ? LinearOnnxModel.Multiclass(new float[SyntheticModels.Columns.Length, 3], [0f, 0f, 0f])
            : LinearOnnxModel.Regression(new float[SyntheticModels.Columns.Length], 0f);
        foreach (var version in new[] { "1", "2" })
            await system.Registry.RegisterAsync(new ModelBundle(card with { Version = version }, onnx).WithChecksum(), "test", CancellationToken.None);
        await system.Registry.EnsureChampionAsync(OwnModel, CancellationToken.None);
    }

    private static async Task<string> StartOwnModelAsync(RolloutTestSystem system, ModelTask task, string strategy)
    {
        await RegisterOwnModelAsync(system, task);
        var started = await system.Manager.StartAsync(new RolloutStart(OwnModel, "2", strategy, "manual"), CancellationToken.None);
        Assert.True(started.Started, started.Error);
        return started.RolloutId!;
    }

    private static OutcomeRecorded OwnOutcome(
        string version, double? actualValue, string? actualLabel, string? predictedLabel, float[]? probabilities, float? predictedValue, DateTimeOffset predictedAt) =>
        new(Guid.NewGuid(), Guid.NewGuid(), OwnModel, version, null, "test", actualValue, actualLabel, null, [], predictedLabel, null, predictedValue,
            predictedAt, predictedAt.AddHours(1), predictedAt.AddHours(1))
        { Probabilities = probabilities };

    private static RequestMetricsReported Report(string service, params RouteRequestMetrics[] routes) =>
        new(service, "instance-1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(1), Bounds, routes);

    private static RouteRequestMetrics Route(string route, string model, string? version, long requests, long errors, long[] buckets) =>
        new(route, model, version, requests, 0, errors, buckets);

    private static OutcomeRecorded Outcome(string version, double delay, string predictedLabel, float probability, DateTimeOffset predictedAt) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "flight-delay", version, "UA1", "test", delay, null, null, [], predictedLabel, probability, null,
            predictedAt, predictedAt.AddHours(1), predictedAt.AddHours(1));

    private static async Task<EvidenceBus> BusAsync(RolloutTestSystem system)
    {
        var services = new ServiceCollection()
            .AddSingleton(system.Registry)
            .AddSingleton(system.Manager)
            .AddSingleton(system.Evidence)
            .AddSingleton<RolloutCards>()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<RolloutRequestMetricsConsumer, RolloutRequestMetricsConsumerDefinition>();
                bus.AddConsumer<RolloutOutcomesConsumer, RolloutOutcomesConsumerDefinition>();
            })
            .BuildServiceProvider(validateScopes: true);
        var harness = services.GetRequiredService<ITestHarness>();
        // The harness's own deadline (30 s by default) must not end a test that is still within its polling deadline.
        harness.TestTimeout = TimeSpan.FromMinutes(3);
        await harness.Start();
        return new EvidenceBus(services, harness);
    }

    private sealed record EvidenceBus(ServiceProvider Services, ITestHarness Harness) : IAsyncDisposable
    {
        // Consumed (the consumer ran to the end) this many messages of the type, and none faulted. The deadline only
        // bounds a failing test: on two busy cores the in-memory bus may take seconds.
        public async Task ConsumedAsync<T>(int count)
            where T : class
        {
            var started = TimeProvider.System.GetTimestamp();
            while (Harness.Consumed.Select<T>().Count() < count && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMinutes(2))
                await Task.Delay(20);
            Assert.Equal(count, Harness.Consumed.Select<T>().Count());
            // The only proof that no consumer threw: waits out the harness's inactivity timeout when none did.
            Assert.False(await Harness.Published.Any<Fault<T>>());
        }

        public async ValueTask DisposeAsync()
        {
            await Harness.Stop();
            await Services.DisposeAsync();
        }
    }
}
