using Contracts.Monitoring;
using Modeling.Cards;
using Monitor.Alerts;

namespace Monitor.Tests.Alerts;

/// <summary>
/// Performance rules per task: a rule judges only the versions whose task has its metric (and its task, when it names one);
/// the default rules watch a multiclass version's accuracy; a regression rule fires on its error; rules that cannot fit
/// their task are refused at start.
/// </summary>
public sealed class TaskRuleTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "monitor-task-rules-" + Guid.NewGuid().ToString("N"));
    private MonitorServices? _monitor;

    public async ValueTask DisposeAsync()
    {
        if (_monitor is not null)
            await _monitor.DisposeAsync();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_default_rules_fire_when_a_multiclass_version_s_accuracy_drops_and_leave_its_AUC_alone()
    {
        _monitor = await MonitorServices.StartAsync(_folder, new TestClock(Now), new MonitoringOptions { CountWindow = 1000, OutcomeCountWindow = 500 });
        var card = TaskTestData.MulticlassCard(TaskTestData.MulticlassRows(seed: 1, count: 5000));
        await _monitor.ServeAsync(card);

        // Every outcome says the next label: accuracy 0, far below the card's. Windows of 500 outcomes judged every 50: the
        // third judgement in a row fires. The predictions are like the reference's, so their confidence does not drop.
        foreach (var (row, index) in TaskTestData.MulticlassRows(seed: 2, count: 1000).Select((row, index) => (row, index)))
        {
            var prediction = TaskTestData.MulticlassPrediction(card, row, Now);
            await _monitor.Recorder.RecordAsync([prediction], default);
            if (index < 600)
                await _monitor.Recorder.RecordAsync(TaskTestData.Outcome(prediction, null, TaskTestData.Labels[(row.Predicted + 1) % 3], Now), default);
        }

        var alert = Assert.Single(_monitor.Bus.Published.Select<PerformanceDegraded>()).Context.Message;
        Assert.Equal(("accuracy-drop", "accuracy", 0.0), (alert.Rule, alert.Metric, alert.Value));
        Assert.Equal(card.Metrics!.Multiclass!.Accuracy, alert.Reference!.Value, 12);
        Assert.Equal(card.Metrics.Multiclass.Accuracy - 0.05, alert.Threshold, 12);
        var states = _monitor.Alerts.States.Where(state => state.ModelName == card.Name).ToDictionary(state => state.Rule, state => state.State);
        Assert.Equal(RuleStatus.Firing, states["accuracy-drop"]);
        Assert.Equal(RuleStatus.Ok, states["estimated-accuracy-drop"]);
        Assert.Equal(RuleStatus.Ok, states["input-drift"]);
        Assert.False(states.ContainsKey("auc-drop"));
        Assert.False(states.ContainsKey("estimated-auc-drop"));
    }

    [Fact]
    public async Task A_regression_rule_fires_on_its_error_and_a_rule_of_another_task_s_metric_judges_nothing()
    {
        _monitor = await MonitorServices.StartAsync(_folder, new TestClock(Now), new MonitoringOptions
        {
            OutcomeCountWindow = 100,
            Rules =
            [
                new AlertRuleOptions { Name = "rmse-high", Kind = AlertKind.Performance, Metric = "rmse", Threshold = 5, MinRows = 100, ConsecutiveWindows = 1 },
                new AlertRuleOptions { Name = "auc-low", Kind = AlertKind.Performance, Metric = "auc", Threshold = 0.9, MinRows = 10, ConsecutiveWindows = 1 },
            ],
        });
        var card = TaskTestData.RegressionCard(TaskTestData.RegressionRows(seed: 3, count: 2000));
        await _monitor.ServeAsync(card);

        // The truth is 10 above every prediction: RMSE 10.
        foreach (var row in TaskTestData.RegressionRows(seed: 4, count: 100))
        {
            var prediction = TaskTestData.RegressionPrediction(card, row, Now);
            await _monitor.Recorder.RecordAsync([prediction], default);
            await _monitor.Recorder.RecordAsync(TaskTestData.Outcome(prediction, row.Predicted + 10.0, null, Now), default);
        }

        var alert = Assert.Single(_monitor.Bus.Published.Select<PerformanceDegraded>()).Context.Message;
        Assert.Equal(("rmse-high", "rmse", 5.0), (alert.Rule, alert.Metric, alert.Threshold));
        Assert.Equal(10, alert.Value, 4);
        Assert.Equal(card.Metrics!.Regression!.Rmse, alert.Reference!.Value, 12);
        Assert.DoesNotContain(_monitor.Alerts.States, state => state.Rule == "auc-low");
    }

    [Theory]
    [InlineData(ModelTask.Regression, "auc", "Monitoring:Rules:0:Metric 'auc' is not a metric of Regression models; theirs are mae, rmse, r-squared.")]
    [InlineData(ModelTask.Multiclass, "precision", "Monitoring:Rules:0:Metric 'precision' is not a metric of Multiclass models; theirs are accuracy, macro-f1, log-loss, estimated-accuracy.")]
    [InlineData(ModelTask.Unspecified, "auc", "Monitoring:Rules:0:Task must be Binary, Multiclass or Regression, or unset for every task.")]
    public void A_rule_whose_metric_does_not_fit_its_task_is_refused_with_the_setting_named(ModelTask task, string metric, string error)
    {
        var options = new MonitoringOptions { Rules = [new AlertRuleOptions { Name = "r", Kind = AlertKind.Performance, Task = task, Metric = metric, Threshold = 1 }] };

        Assert.Equal([error], options.Errors());
    }

    [Theory]
    [InlineData("macro-f1")]
    [InlineData("r-squared")]
    [InlineData("estimated-accuracy")]
    public void Every_task_s_metrics_are_accepted(string metric)
    {
        var options = new MonitoringOptions { Rules = [new AlertRuleOptions { Name = "r", Kind = AlertKind.Performance, Metric = metric, MaxDrop = 0.1 }] };

        Assert.Empty(options.Errors());
    }
}
