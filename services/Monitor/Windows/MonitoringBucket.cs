namespace Monitor.Windows;

/// <summary>One time bucket of one model version: [Start, End), its counts, and the aggregate as opaque JSON written by Monitor.</summary>
public sealed record MonitoringBucket(string ModelName, string ModelVersion, DateTimeOffset Start, DateTimeOffset End, long Predictions, long Outcomes, string AggregateJson);

/// <summary>A model version that has buckets.</summary>
public sealed record MonitoredVersion(string ModelName, string ModelVersion, DateTimeOffset FirstBucketStart, DateTimeOffset LastBucketStart);
