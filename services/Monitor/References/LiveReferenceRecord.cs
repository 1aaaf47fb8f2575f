namespace Monitor.References;

/// <summary>
/// A version's live reference as Monitor keeps it: the statistics of its first live predictions
/// (<c>ReferenceStatistics</c> as card JSON, kept as text so it comes back byte for byte), when they were built and from how many.
/// </summary>
public sealed record LiveReferenceRecord(string ModelName, string ModelVersion, long Rows, DateTimeOffset BuiltAt, string StatisticsJson);
