using System.Globalization;
using ServiceDefaults.Storage.Documents;

namespace Monitor.Windows;

/// <summary>Monitor's time buckets: collection <c>buckets</c>, one document per model version and bucket start.</summary>
public sealed class BucketStore([FromKeyedServices(MonitorService.StoreName)] IDocumentDatabase database)
{
    private readonly IDocuments<MonitoringBucket> _buckets = database.Collection(new DocumentSchema<MonitoringBucket>
    {
        Name = "buckets",
        Key = bucket => KeyOf(bucket.ModelName, bucket.ModelVersion, bucket.Start.UtcTicks.ToString(CultureInfo.InvariantCulture)),
        Fields = [new("model", bucket => bucket.ModelName), new("version", bucket => bucket.ModelVersion), new("start", bucket => bucket.Start), new("end", bucket => bucket.End)],
        Indexes = [["model", "version", "start"], ["end"]],
    });

    /// <summary>The parts joined with <c>/</c>, each with <c>%</c> and <c>/</c> escaped: different parts never make the same key.</summary>
    internal static string KeyOf(params string[] parts) =>
        string.Join('/', parts.Select(part => part.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal)));

    /// <summary>Saves a bucket, replacing the one of its version and start (the open bucket is saved again as events arrive).</summary>
    public Task SaveAsync(MonitoringBucket bucket, CancellationToken cancellationToken) =>
        _buckets.UpsertAsync(bucket with { Start = bucket.Start.ToUniversalTime(), End = bucket.End.ToUniversalTime() }, cancellationToken);

    /// <summary>The buckets of one version whose start is in [<paramref name="startsFrom"/>, <paramref name="startsBefore"/>), by start.</summary>
    public Task<IReadOnlyList<MonitoringBucket>> ListAsync(string modelName, string modelVersion, DateTimeOffset startsFrom, DateTimeOffset startsBefore, CancellationToken cancellationToken) =>
        _buckets.ListAsync(
            OfVersion(modelName, modelVersion).And("start", Comparison.GreaterOrEqual, startsFrom).And("start", Comparison.Less, startsBefore).OrderByAscending("start"), cancellationToken);

    /// <summary>Every version that has buckets, with its first and last bucket start, by model then version (ordinal).</summary>
    public async Task<IReadOnlyList<MonitoredVersion>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        var versions = new List<MonitoredVersion>();
        foreach (var model in (await _buckets.CountByAsync(DocumentQuery.All, "model", cancellationToken)).Keys.Order(StringComparer.Ordinal))
        {
            foreach (var version in (await _buckets.CountByAsync(DocumentQuery.Where("model", model), "version", cancellationToken)).Keys.Order(StringComparer.Ordinal))
            {
                // Both still there: the version's buckets were not deleted meanwhile.
                if (await _buckets.ListAsync(OfVersion(model, version).OrderByAscending("start").Take(1), cancellationToken) is [var first]
                    && await _buckets.ListAsync(OfVersion(model, version).OrderByDescending("start").Take(1), cancellationToken) is [var last])
                    versions.Add(new MonitoredVersion(model, version, first.Start, last.Start));
            }
        }

        return versions;
    }

    /// <summary>Deletes the buckets that ended before <paramref name="cutoff"/>; returns how many.</summary>
    public Task<long> DeleteEndedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        _buckets.DeleteManyAsync(DocumentQuery.Where("end", Comparison.Less, cutoff), cancellationToken);

    private static DocumentQuery OfVersion(string model, string version) => DocumentQuery.Where("model", model).And("version", version);
}
