using System.Text.Json;

namespace Integration.Tests;

/// <summary>The JSON body of <c>/health/live</c> and <c>/health/ready</c>, as a client reads it.</summary>
public sealed record HealthReport(string Status, string TotalDuration, IReadOnlyList<HealthCheckEntry> Checks)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static HealthReport Parse(string body) =>
        JsonSerializer.Deserialize<HealthReport>(body, Json) ?? throw new JsonException($"Not a health report: {body}");

    /// <summary>MassTransit's bus check (tagged <c>masstransit</c>), if the report has one.</summary>
    public HealthCheckEntry? BusCheck => Checks.FirstOrDefault(check => check.Tags.Contains("masstransit"));
}

/// <summary>One check in a health report.</summary>
public sealed record HealthCheckEntry(string Name, string Status, string? Description, string Duration, IReadOnlyList<string> Tags);
