using System.Text.Json;
using Modeling.Cards;
using Monitor.Windows;
using ServiceDefaults.Storage.Documents;

namespace Monitor.References;

/// <summary>The live references of versions whose card has none: collection <c>live_references</c>, one document per model version.</summary>
public sealed class LiveReferenceStore([FromKeyedServices(MonitorService.StoreName)] IDocumentDatabase database)
{
    private readonly IDocuments<LiveReferenceRecord> _references = database.Collection(new DocumentSchema<LiveReferenceRecord>
    {
        Name = "live_references",
        Key = reference => BucketStore.KeyOf(reference.ModelName, reference.ModelVersion),
    });

    /// <summary>Saves a version's live reference, replacing any earlier one.</summary>
    public Task SaveAsync(string modelName, string modelVersion, ReferenceStatistics statistics, DateTimeOffset builtAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return _references.UpsertAsync(
            new LiveReferenceRecord(modelName, modelVersion, statistics.Rows, builtAt.ToUniversalTime(), JsonSerializer.Serialize(statistics, ModelCardJson.Options)),
            cancellationToken);
    }

    /// <summary>A version's live reference, or null when it has none.</summary>
    public async Task<ReferenceStatistics?> FindAsync(string modelName, string modelVersion, CancellationToken cancellationToken) =>
        await _references.GetAsync(BucketStore.KeyOf(modelName, modelVersion), cancellationToken) is { } stored
            ? JsonSerializer.Deserialize<ReferenceStatistics>(stored.Document.StatisticsJson, ModelCardJson.Options)
            : null;
}
