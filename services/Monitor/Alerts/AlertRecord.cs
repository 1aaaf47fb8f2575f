namespace Monitor.Alerts;

/// <summary>One fired alert: <paramref name="Kind"/> is drift, performance or stalled; <paramref name="DetailsJson"/> the event as JSON.</summary>
public sealed record AlertRecord(Guid AlertId, string Kind, string ModelName, string ModelVersion, string Rule, DateTimeOffset DetectedAt, string Summary, string DetailsJson);

/// <summary>Which alerts to list: each condition that is not null must hold; <paramref name="Since"/> is inclusive; <paramref name="Limit"/> is positive.</summary>
public sealed record AlertQuery(string? ModelName = null, string? ModelVersion = null, string? Kind = null, DateTimeOffset? Since = null, int Limit = 100);
