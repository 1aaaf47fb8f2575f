namespace Retrainer.Retraining;

/// <summary>Where retraining jobs are kept: the Retrainer's SQLite database (embedded) or its MongoDB database.</summary>
public interface IRetrainingJobStore
{
    /// <summary>Inserts or replaces the job (by id).</summary>
    Task SaveAsync(RetrainingJob job, CancellationToken cancellationToken);

    /// <summary>One job of a model, or null.</summary>
    Task<RetrainingJob?> FindAsync(string modelName, string jobId, CancellationToken cancellationToken);

    /// <summary>The model's jobs, newest first (by request time), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RetrainingJob>> ListAsync(string modelName, int limit, CancellationToken cancellationToken);

    /// <summary>Every job still running, of every model.</summary>
    Task<IReadOnlyList<RetrainingJob>> RunningAsync(CancellationToken cancellationToken);
}
