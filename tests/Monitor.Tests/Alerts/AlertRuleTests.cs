using ServiceDefaults.Webhooks;
using Contracts.Models;
using Contracts.Monitoring;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Alerts;
using Monitor.References;
using Monitor.Windows;
using ServiceDefaults.ServedModels;
using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

namespace Monitor.Tests.Alerts;

/// <summary>
/// The alert rules over real windows, the real embedded store and an in-memory bus: consecutive windows, minimum
/// rows, cool-down, stalled predictions, and rule states that survive a restart.
/// </summary>
public sealed class AlertRuleTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "monitor-alerts-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly Modeling.Cards.ModelCard _card = MonitorTestData.Card(MonitorTestData.Rows(seed: 1, count: 20_000, shift: false));
    private ServiceProvider _services = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _services = Services();
        _harness = _services.GetRequiredService<ITestHarness>();
        await _harness.Start();
        await _services.GetRequiredService<MonitoredVersions>().ApplyAsync(new ServedModelsResponse([MonitorTestData.Served(_card)], [], DateTimeOffset.UtcNow), default);
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _services.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Drift_fires_after_the_consecutive_windows_once_per_cool_down_and_is_kept_in_the_history()
    {
        var recorder = _services.GetRequiredService<TrafficRecorder>();
        var evaluator = _services.GetRequiredService<AlertEvaluator>();
        await SendAsync(recorder, MonitorTestData.Rows(seed: 2, count: 4000, shift: false));
        Assert.Empty(_harness.Published.Select<DriftDetected>());
        Assert.All(evaluator.States, state => Assert.Equal(RuleStatus.Ok, state.State));

        // Window 1000, slices of 100: drifted slices push the window's PSI over 0.2 after a few; then two consecutive judgements fire.
        await SendAsync(recorder, MonitorTestData.Rows(seed: 3, count: 2000, shift: true));
        var alerts = _harness.Published.Select<DriftDetected>().ToList();
        var alert = Assert.Single(alerts).Context.Message;
        Assert.Equal("test-model", alert.ModelName);
        Assert.Equal("input-drift", alert.Rule);
        // The new airport (counted as <other>, never seen in training) is the first to cross.
        Assert.Contains(alert.Drifted, column => column.Column == "origin");
        Assert.All(alert.Drifted, column => Assert.True(column.Statistic == "psi" && column.Score > 0.2 && column.Threshold == 0.2));
        Assert.Equal(1000, alert.Rows);
        Assert.Equal(RuleStatus.Firing, evaluator.States.Single(state => state.Rule == "input-drift").State);

        // Still drifting, within the cool-down: no second alert. After it: one more.
        await SendAsync(recorder, MonitorTestData.Rows(seed: 4, count: 2000, shift: true));
        Assert.Single(_harness.Published.Select<DriftDetected>());
        _clock.Advance(TimeSpan.FromHours(1));
        await SendAsync(recorder, MonitorTestData.Rows(seed: 5, count: 100, shift: true));
        Assert.Equal(2, _harness.Published.Select<DriftDetected>().Count());

        var history = await _services.GetRequiredService<AlertStore>().ListAsync(new AlertQuery("test-model", Kind: "drift"), default);
        Assert.Equal(2, history.Count);
        Assert.Contains("origin (psi", history[1].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_few_rows_are_not_judged()
    {
        var recorder = _services.GetRequiredService<TrafficRecorder>();

        await SendAsync(recorder, MonitorTestData.Rows(seed: 6, count: 400, shift: true));

        Assert.Empty(_harness.Published.Select<DriftDetected>());
        Assert.DoesNotContain(_services.GetRequiredService<AlertEvaluator>().States, state => state.Rule == "input-drift");
    }

    [Fact]
    public async Task A_count_window_is_judged_only_once_it_is_whole()
    {
        var recorder = _services.GetRequiredService<TrafficRecorder>();
        var evaluator = _services.GetRequiredService<AlertEvaluator>();

        // 900 of the window's 1000: more than MinRows, but only the first part of "the last 1000 predictions".
        await SendAsync(recorder, MonitorTestData.Rows(seed: 10, count: 900, shift: true));
        Assert.DoesNotContain(evaluator.States, state => state.Rule == "input-drift");

        await SendAsync(recorder, MonitorTestData.Rows(seed: 11, count: 100, shift: true));
        Assert.Equal(RuleStatus.Pending, evaluator.States.Single(state => state.Rule == "input-drift").State);
    }

    [Fact]
    public async Task A_model_silent_longer_than_the_rule_allows_raises_one_stalled_alert()
    {
        var recorder = _services.GetRequiredService<TrafficRecorder>();
        var evaluator = _services.GetRequiredService<AlertEvaluator>();
        var versions = _services.GetRequiredService<MonitoredVersions>();
        await SendAsync(recorder, MonitorTestData.Rows(seed: 7, count: 5, shift: false));

        _clock.Advance(TimeSpan.FromMinutes(4));
        await evaluator.CheckStalledAsync(versions.All, default);
        Assert.Empty(_harness.Published.Select<PredictionsStalled>());

        _clock.Advance(TimeSpan.FromMinutes(2));
        await evaluator.CheckStalledAsync(versions.All, default);
        await evaluator.CheckStalledAsync(versions.All, default);
        var stalled = Assert.Single(_harness.Published.Select<PredictionsStalled>()).Context.Message;
        Assert.Equal(TimeSpan.FromMinutes(6), stalled.SilentFor);

        await SendAsync(recorder, MonitorTestData.Rows(seed: 8, count: 1, shift: false));
        await evaluator.CheckStalledAsync(versions.All, default);
        Assert.Equal(RuleStatus.Ok, evaluator.States.Single(state => state.Rule == "stalled").State);
    }

    [Fact]
    public async Task Rule_states_survive_a_restart()
    {
        var recorder = _services.GetRequiredService<TrafficRecorder>();
        await SendAsync(recorder, MonitorTestData.Rows(seed: 9, count: 2000, shift: true));
        var before = _services.GetRequiredService<AlertEvaluator>().States.Single(state => state.Rule == "input-drift");

        await using var restarted = Services();
        var evaluator = restarted.GetRequiredService<AlertEvaluator>();
        await evaluator.RestoreAsync(default);

        Assert.Equal(before, evaluator.States.Single(state => state.Rule == "input-drift"));
    }

    private async Task SendAsync(TrafficRecorder recorder, IEnumerable<(float[] Features, float Probability)> rows)
    {
        foreach (var (features, probability) in rows)
            await recorder.RecordAsync([MonitorTestData.Prediction(_card, features, probability, _clock.GetUtcNow())], default);
    }

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddHttpClient();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton(Options.Create(new MonitoringOptions
        {
            CountWindow = 1000,
            Rules =
            [
                new AlertRuleOptions { Name = "input-drift", Kind = AlertKind.Drift, Statistic = DriftStatistic.Psi, Threshold = 0.2, MinRows = 500, ConsecutiveWindows = 2, CoolDown = TimeSpan.FromHours(1) },
                new AlertRuleOptions { Name = "stalled", Kind = AlertKind.Stalled, After = TimeSpan.FromMinutes(5), CoolDown = TimeSpan.FromHours(1) },
            ],
        }));
        Directory.CreateDirectory(_folder);
        services.AddKeyedSingleton<IDocumentDatabase>(MonitorService.StoreName, (_, _) => new EmbeddedDatabase(Path.Combine(_folder, "monitor.db"), EmbeddedDatabase.UpgradesIn(typeof(MonitorService).Assembly)));
        services.AddSingleton<BucketStore>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<RuleStateStore>();
        services.AddSingleton<MonitorMetrics>();
        services.AddSingleton<MonitoredVersions>();
        services.AddSingleton<IServedModelsSink>(provider => provider.GetRequiredService<MonitoredVersions>());
        services.AddSingleton(Options.Create(new ServedModelsOptions()));
        services.AddSingleton<ServedModelsSync>(); // not started: the test hands the cards to MonitoredVersions itself
        services.AddSingleton<WebhookDelivery>();
        services.AddSingleton<AlertPublisher>();
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<TrafficRecorder>();
        services.AddMassTransitTestHarness();
        return services.BuildServiceProvider();
    }
}
