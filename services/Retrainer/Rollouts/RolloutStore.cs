using ServiceDefaults.Storage.Documents;

namespace Retrainer.Rollouts;

/// <summary>Rollouts in the Retrainer's database: collection <c>rollouts</c>, one document per rollout (key: its id), replaced whole on every change.</summary>
public sealed class RolloutStore([FromKeyedServices(RetrainerService.StoreName)] IDocumentDatabase database)
{
    private readonly IDocuments<Rollout> _rollouts = database.Collection(new DocumentSchema<Rollout>
    {
        Name = "rollouts",
        Key = rollout => rollout.RolloutId,
        Fields = [new("model", rollout => rollout.ModelName), new("started", rollout => rollout.StartedAt), new("active", rollout => rollout.IsActive)],
        Indexes = [["model", "started"], ["active", "model"]],
    });

    /// <summary>Inserts or replaces the rollout (by id).</summary>
    public Task SaveAsync(Rollout rollout, CancellationToken cancellationToken) => _rollouts.UpsertAsync(rollout, cancellationToken);

    /// <summary>One rollout of a model, or null.</summary>
    public async Task<Rollout?> FindAsync(string modelName, string rolloutId, CancellationToken cancellationToken) =>
        await _rollouts.GetAsync(rolloutId, cancellationToken) is { Document: var rollout } && rollout.ModelName == modelName ? rollout : null;

    /// <summary>The model's rollouts, newest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<Rollout>> ListAsync(string modelName, int limit, CancellationToken cancellationToken) =>
        _rollouts.ListAsync(DocumentQuery.Where("model", modelName).OrderByDescending("started").Take(limit), cancellationToken);

    /// <summary>Every running or paused rollout (at most one per model), by model.</summary>
    public Task<IReadOnlyList<Rollout>> ActiveAsync(CancellationToken cancellationToken) =>
        _rollouts.ListAsync(DocumentQuery.Where("active", true).OrderByAscending("model"), cancellationToken);
}
