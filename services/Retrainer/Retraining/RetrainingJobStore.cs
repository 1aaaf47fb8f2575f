using ServiceDefaults.Storage.Documents;

namespace Retrainer.Retraining;

/// <summary>Retraining jobs in the Retrainer's database: collection <c>retraining_jobs</c>, one document per job (key: its id), replaced whole on every change.</summary>
public sealed class RetrainingJobStore([FromKeyedServices(RetrainerService.StoreName)] IDocumentDatabase database)
{
    private readonly IDocuments<RetrainingJob> _jobs = database.Collection(new DocumentSchema<RetrainingJob>
    {
        Name = "retraining_jobs",
        Key = job => job.JobId,
        Fields = [new("model", job => job.Model), new("requested", job => job.RequestedAt), new("running", job => job.IsRunning)],
        Indexes = [["model", "requested"], ["running", "requested"]],
    });

    /// <summary>Inserts or replaces the job (by id).</summary>
    public Task SaveAsync(RetrainingJob job, CancellationToken cancellationToken) => _jobs.UpsertAsync(job, cancellationToken);

    /// <summary>One job of a model, or null.</summary>
    public async Task<RetrainingJob?> FindAsync(string modelName, string jobId, CancellationToken cancellationToken) =>
        await _jobs.GetAsync(jobId, cancellationToken) is { Document: var job } && job.Model == modelName ? job : null;

    /// <summary>The model's jobs, newest first (by request time), at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<RetrainingJob>> ListAsync(string modelName, int limit, CancellationToken cancellationToken) =>
        _jobs.ListAsync(DocumentQuery.Where("model", modelName).OrderByDescending("requested").Take(limit), cancellationToken);

    /// <summary>Every job still running, of every model, oldest first.</summary>
    public Task<IReadOnlyList<RetrainingJob>> RunningAsync(CancellationToken cancellationToken) =>
        _jobs.ListAsync(DocumentQuery.Where("running", true).OrderByAscending("requested"), cancellationToken);
}
