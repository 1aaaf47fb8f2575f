using Monitor.Windows;
using ServiceDefaults.Storage.Documents;

namespace Monitor.Alerts;

/// <summary>The alert rules' states: collection <c>rule_states</c>, one document per model version and rule, read all at start.</summary>
public sealed class RuleStateStore([FromKeyedServices(MonitorService.StoreName)] IDocumentDatabase database)
{
    private readonly IDocuments<AlertRuleState> _states =
        database.Collection(new DocumentSchema<AlertRuleState> { Name = "rule_states", Key = state => BucketStore.KeyOf(state.ModelName, state.ModelVersion, state.Rule) });

    /// <summary>Saves a rule's state for a version, replacing the previous one; a value that is not a finite number is kept as null.</summary>
    public Task SaveAsync(AlertRuleState state, CancellationToken cancellationToken) =>
        _states.UpsertAsync(state with
        {
            Since = state.Since?.ToUniversalTime(), LastFiredAt = state.LastFiredAt?.ToUniversalTime(), UpdatedAt = state.UpdatedAt.ToUniversalTime(),
            LastValue = state.LastValue is { } value && double.IsFinite(value) ? value : null,
        }, cancellationToken);

    /// <summary>Every saved rule state, by model, version, then rule (ordinal).</summary>
    public async Task<IReadOnlyList<AlertRuleState>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await _states.ListAsync(DocumentQuery.All, cancellationToken))
            .OrderBy(state => state.ModelName, StringComparer.Ordinal).ThenBy(state => state.ModelVersion, StringComparer.Ordinal).ThenBy(state => state.Rule, StringComparer.Ordinal)];
}
