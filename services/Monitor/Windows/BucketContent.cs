using System.Text.Json;

namespace Monitor.Windows;

/// <summary>What a stored time bucket holds (the store's <c>AggregateJson</c>).</summary>
public sealed record BucketContent(PredictionAggregate Predictions, OutcomeAggregate Outcomes)
{
    /// <summary>The JSON the store keeps.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static BucketContent FromJson(string json) =>
        JsonSerializer.Deserialize<BucketContent>(json, JsonSerializerOptions.Web) ?? throw new JsonException("empty bucket");
}
