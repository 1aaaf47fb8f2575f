using Modeling.Cards;
using Monitor.Performance;

namespace Monitor.Alerts;

/// <summary>Refuses alert rules that cannot work, naming the rule and the setting (checked at start-up).</summary>
public static class AlertRuleValidation
{
    /// <summary>What is wrong with the first invalid rule, or null when all are valid.</summary>
    public static string? Problem(IList<AlertRuleOptions> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            var at = $"Monitoring:Rules:{index}";
            if (string.IsNullOrWhiteSpace(rule.Name))
                return $"{at}:Name is required.";
            if (rules.Take(index).Any(other => other.Name == rule.Name))
                return $"{at}:Name '{rule.Name}' is used by an earlier rule.";
            if (rule.ConsecutiveWindows < 1)
                return $"{at}:ConsecutiveWindows must be at least 1.";
            if (rule.MinRows < 1)
                return $"{at}:MinRows must be at least 1.";
            if (rule.CoolDown < TimeSpan.Zero)
                return $"{at}:CoolDown must not be negative.";
            if (rule.Kind == AlertKind.Performance && !MetricNames.All.Contains(rule.Metric))
                return $"{at}:Metric must be one of {string.Join(", ", MetricNames.All)}, not '{rule.Metric}'.";
            if (rule.Task == ModelTask.Unspecified)
                return $"{at}:Task must be Binary, Multiclass or Regression, or unset for every task.";
            if (rule.Kind == AlertKind.Performance && rule.Task is { } task && !MetricNames.Fits(task, rule.Metric))
                return $"{at}:Metric '{rule.Metric}' is not a metric of {task} models; theirs are {string.Join(", ", MetricNames.Of(task))}.";
            if (rule.Kind == AlertKind.Performance && rule.Threshold is null && rule.MaxDrop is null)
                return $"{at}: a performance rule needs Threshold or MaxDrop.";
            if (rule.Kind == AlertKind.Stalled && rule.After <= TimeSpan.Zero)
                return $"{at}:After must be positive.";
        }

        return null;
    }
}
