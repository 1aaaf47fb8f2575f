using System.Text.Json;
using Contracts.Predictions;

namespace FeedbackCollector.Tests.Predictions;

/// <summary>Realistic <see cref="PredictionMade"/> events for the tests, and a field-by-field comparison.</summary>
public static class SamplePredictions
{
    public static readonly DateTimeOffset Start = new(2001, 2, 3, 7, 45, 0, TimeSpan.Zero);

    public static PredictionMade Of(string? entityKey, DateTimeOffset predictedAt, string model = "flight-delay") => new(
        Guid.CreateVersion7(),
        model,
        "1",
        entityKey,
        "corr-" + entityKey,
        PredictionSources.Online,
        Json("""{"date":"2001-02-03T07:45:00","origin":"ORD","destination":"LAX","distance":1744}"""),
        [0f, 3f, 1744f, 7f, 6f, 0.1f + 0.2f],
        "on-time",
        0.0639f,
        -13.4f,
        predictedAt.AddMilliseconds(-3.25),
        predictedAt,
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Every field equal (the input as JSON text, the features element by element, times as instants).</summary>
    public static void AssertSame(PredictionMade expected, PredictionMade? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.PredictionId, actual.PredictionId);
        Assert.Equal(expected.ModelName, actual.ModelName);
        Assert.Equal(expected.ModelVersion, actual.ModelVersion);
        Assert.Equal(expected.EntityKey, actual.EntityKey);
        Assert.Equal(expected.CorrelationId, actual.CorrelationId);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Input?.GetRawText(), actual.Input?.GetRawText());
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.Label, actual.Label);
        Assert.Equal(expected.Probability, actual.Probability);
        Assert.Equal(expected.Value, actual.Value);
        Assert.Equal(expected.ReceivedAt, actual.ReceivedAt);
        Assert.Equal(expected.PredictedAt, actual.PredictedAt);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
        Assert.Equal(expected.Shadow, actual.Shadow);
    }
}
