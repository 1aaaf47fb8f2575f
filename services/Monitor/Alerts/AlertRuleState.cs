namespace Monitor.Alerts;

/// <summary>The state of one alert rule for one model version (<see cref="RuleStatus"/>), with its consecutive breaches and times.</summary>
public sealed record AlertRuleState(string Rule, string Kind, string ModelName, string ModelVersion, RuleStatus State, int Consecutive, DateTimeOffset? Since, DateTimeOffset? LastFiredAt, double? LastValue, DateTimeOffset UpdatedAt);

/// <summary>Where an alert rule stands for one model version.</summary>
public enum RuleStatus
{
    /// <summary>The last judgement passed.</summary>
    Ok,

    /// <summary>Breached, fewer times in a row than the rule needs to fire.</summary>
    Pending,

    /// <summary>Breached as many times in a row as the rule needs: it fired (or is in its cool-down).</summary>
    Firing,
}
