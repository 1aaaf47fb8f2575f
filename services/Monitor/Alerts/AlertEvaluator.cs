using System.Collections.Concurrent;
using Contracts.Monitoring;
using Microsoft.Extensions.Options;
using Monitor.References;
using Monitor.Windows;

namespace Monitor.Alerts;

/// <summary>
/// Applies the alert rules: judges windows as they complete, counts consecutive breaches per rule and model
/// version, fires through <see cref="AlertPublisher"/> once the count is reached (then stays quiet for the
/// rule's cool-down), and keeps each rule's state (ok, pending, firing) in the store so a restart continues it.
/// </summary>
public sealed partial class AlertEvaluator(
    IOptions<MonitoringOptions> options,
    AlertPublisher publisher,
    RuleStateStore store,
    TimeProvider time,
    ILogger<AlertEvaluator> logger) : IDisposable
{
    private readonly ConcurrentDictionary<(string Rule, string Model, string Version), AlertRuleState> _states = new();
    private readonly SemaphoreSlim _judging = new(1, 1);

    /// <inheritdoc />
    public void Dispose() => _judging.Dispose();

    /// <summary>Which events completed the window being judged.</summary>
    public enum Side
    {
        /// <summary>Predictions: drift and estimated performance.</summary>
        Predictions,

        /// <summary>Outcomes: realized performance.</summary>
        Outcomes,

        /// <summary>A time bucket closed: every drift and performance rule of the time window.</summary>
        Both,
    }

    /// <summary>The configured rules, or the defaults when none are configured.</summary>
    public IReadOnlyList<AlertRuleOptions> Rules => options.Value.Rules.Count > 0 ? [.. options.Value.Rules] : AlertRuleOptions.Defaults();

    /// <summary>The current state of every rule that has judged something.</summary>
    public IReadOnlyList<AlertRuleState> States => [.. _states.Values.OrderBy(state => state.ModelName).ThenBy(state => state.ModelVersion).ThenBy(state => state.Rule)];

    /// <summary>Loads the rule states saved before a restart.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach (var state in await store.ListAsync(cancellationToken))
            _states[(state.Rule, state.ModelName, state.ModelVersion)] = state;
    }

    /// <summary>The report of a version's window, its columns' <c>drifted</c> flags from the first drift rule of that window.</summary>
    public WindowReport Report(VersionWindows windows, WindowKind window) => Report(windows, window, Snapshot(windows, window));

    private static WindowSnapshot Snapshot(VersionWindows windows, WindowKind window)
    {
        ArgumentNullException.ThrowIfNull(windows);
        lock (windows)
            return window == WindowKind.Count ? windows.CountWindow() : windows.TimeWindow();
    }

    private WindowReport Report(VersionWindows windows, WindowKind window, WindowSnapshot snapshot)
    {
        var task = snapshot.Profile.Task;
        var driftRule = Rules.FirstOrDefault(rule => rule.Kind == AlertKind.Drift && rule.Window == window && rule.AppliesTo(task))
            ?? Rules.FirstOrDefault(rule => rule.Kind == AlertKind.Drift && rule.AppliesTo(task))
            ?? AlertRuleOptions.Defaults()[0];
        return WindowReport.Of(snapshot, column => RuleVerdict.HasDrifted(driftRule, column), options.Value.MinSegmentOutcomes, options.Value.WorstSegments);
    }

    /// <summary>Judges the <paramref name="window"/> of a version with the rules that look at it and at <paramref name="side"/>.</summary>
    public async Task EvaluateAsync(VersionWindows windows, WindowKind window, Side side, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var rules = Rules.Where(rule => rule.Window == window && Applies(rule, side)).ToList();
        if (rules.Count == 0)
            return;
        var snapshot = Snapshot(windows, window);
        var report = Report(windows, window, snapshot);
        await _judging.WaitAsync(cancellationToken);
        try
        {
            foreach (var rule in rules)
            {
                // A count window is judged once it is whole; its first part is not "the last N".
                var realized = rule.Kind == AlertKind.Performance && !RuleVerdict.IsEstimated(rule.Metric);
                if (!(realized ? snapshot.OutcomesComplete : snapshot.PredictionsComplete))
                    continue;
                if (RuleVerdict.Judge(rule, report) is not { } verdict)
                    continue;
                if (await UpdateAsync(rule, report.Model, report.Version, verdict.Breached, verdict.Value, cancellationToken))
                    await publisher.PublishAsync(Alert(rule, report, verdict), cancellationToken);
            }
        }
        finally
        {
            _judging.Release();
        }
    }

    /// <summary>Fires the stalled rules for models whose latest version has been silent too long.</summary>
    public async Task CheckStalledAsync(IEnumerable<VersionWindows> all, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(all);
        var now = time.GetUtcNow();
        var latestPerModel = all
            .Where(windows => windows.LastPredictionAt is not null)
            .GroupBy(windows => windows.Profile.Card.Name)
            .Select(group => group.MaxBy(windows => windows.LastPredictionAt)!)
            .ToList();
        await _judging.WaitAsync(cancellationToken);
        try
        {
            foreach (var rule in Rules.Where(rule => rule.Kind == AlertKind.Stalled))
            {
                foreach (var windows in latestPerModel.Where(windows => rule.AppliesTo(windows.Profile.Task)))
                {
                    var last = windows.LastPredictionAt!.Value;
                    var silent = now - last;
                    var card = windows.Profile.Card;
                    if (await UpdateAsync(rule, card.Name, card.Version, silent > rule.After, silent.TotalSeconds, cancellationToken))
                        await publisher.PublishAsync(new PredictionsStalled(Guid.NewGuid(), card.Name, card.Version, rule.Name, last, silent, now), cancellationToken);
                }
            }
        }
        finally
        {
            _judging.Release();
        }
    }

    private static bool Applies(AlertRuleOptions rule, Side side) => rule.Kind switch
    {
        AlertKind.Drift => side is Side.Predictions or Side.Both,
        AlertKind.Performance when RuleVerdict.IsEstimated(rule.Metric) => side is Side.Predictions or Side.Both,
        AlertKind.Performance => side is Side.Outcomes or Side.Both,
        _ => false,
    };

    // Counts the breach (or resets on a pass) and says whether the rule fires now.
    private async Task<bool> UpdateAsync(AlertRuleOptions rule, string model, string version, bool breached, double value, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = (rule.Name, model, version);
        var previous = _states.GetValueOrDefault(key) ?? new AlertRuleState(rule.Name, KindName(rule.Kind), model, version, RuleStatus.Ok, 0, null, null, null, now);
        AlertRuleState next;
        var fire = false;
        if (!breached)
        {
            next = previous with { State = RuleStatus.Ok, Consecutive = 0, Since = null, LastValue = value, UpdatedAt = now };
        }
        else
        {
            var consecutive = rule.Kind == AlertKind.Stalled ? rule.ConsecutiveWindows : previous.Consecutive + 1;
            var reached = consecutive >= Math.Max(1, rule.ConsecutiveWindows);
            fire = reached && (previous.LastFiredAt is not { } fired || now - fired >= rule.CoolDown);
            next = previous with
            {
                State = reached ? RuleStatus.Firing : RuleStatus.Pending,
                Consecutive = consecutive,
                Since = previous.Since ?? now,
                LastFiredAt = fire ? now : previous.LastFiredAt,
                LastValue = value,
                UpdatedAt = now,
            };
        }

        _states[key] = next;
        if (next.State != previous.State || next.Consecutive != previous.Consecutive || fire)
            await store.SaveAsync(next, cancellationToken);
        if (fire)
            LogFired(logger, rule.Name, model, version, value);
        return fire;
    }

    private object Alert(AlertRuleOptions rule, WindowReport report, RuleVerdict verdict)
    {
        var now = time.GetUtcNow();
        var window = report.Window;
        if (rule.Kind == AlertKind.Drift)
        {
            return new DriftDetected(Guid.NewGuid(), report.Model, report.Version, rule.Name, window.Description,
                window.Start ?? now, window.End ?? now, verdict.Rows, verdict.Drifted, now);
        }

        if (RuleVerdict.IsEstimated(rule.Metric))
        {
            return new PerformanceDegraded(Guid.NewGuid(), report.Model, report.Version, rule.Name, rule.Metric, verdict.Value, verdict.Threshold,
                verdict.Reference, window.Description, window.Start ?? now, window.End ?? now, verdict.Rows, now);
        }

        return new PerformanceDegraded(Guid.NewGuid(), report.Model, report.Version, rule.Name, rule.Metric, verdict.Value, verdict.Threshold,
            verdict.Reference, window.OutcomeDescription, window.OutcomesStart ?? now, window.OutcomesEnd ?? now, verdict.Rows, now);
    }

    /// <summary>The kind's name in alerts and the API.</summary>
    public static string KindName(AlertKind kind) => kind switch
    {
        AlertKind.Drift => "drift",
        AlertKind.Performance => "performance",
        AlertKind.Stalled => "stalled",
        _ => kind.ToString(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert rule {Rule} fired for {Model} version {Version} (value {Value})")]
    private static partial void LogFired(ILogger logger, string rule, string model, string version, double value);
}
