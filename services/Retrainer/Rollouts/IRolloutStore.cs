namespace Retrainer.Rollouts;

/// <summary>Where rollouts are kept: the Retrainer's SQLite database (embedded) or its MongoDB database.</summary>
public interface IRolloutStore
{
    /// <summary>Inserts or replaces the rollout (by id).</summary>
    Task SaveAsync(Rollout rollout, CancellationToken cancellationToken);

    /// <summary>One rollout of a model, or null.</summary>
    Task<Rollout?> FindAsync(string modelName, string rolloutId, CancellationToken cancellationToken);

    /// <summary>The model's rollouts, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Rollout>> ListAsync(string modelName, int limit, CancellationToken cancellationToken);

    /// <summary>Every running or paused rollout (at most one per model), of every model.</summary>
    Task<IReadOnlyList<Rollout>> ActiveAsync(CancellationToken cancellationToken);
}
