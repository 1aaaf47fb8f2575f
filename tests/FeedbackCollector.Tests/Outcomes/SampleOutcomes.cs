using FeedbackCollector.Outcomes;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>Outcomes for the tests, and a field-by-field comparison.</summary>
public static class SampleOutcomes
{
    public static readonly DateTimeOffset Start = new(2001, 2, 3, 9, 52, 0, TimeSpan.Zero);

    /// <summary>An outcome naming a prediction, observed and received at <see cref="Start"/> (or later).</summary>
    public static Outcome ForPrediction(Guid predictionId, string? outcomeId = null, double value = 37, DateTimeOffset? receivedAt = null) =>
        Outcome.Received(outcomeId ?? OutcomeIds.ForPrediction(predictionId), predictionId, null, null, Start, value, null, receivedAt ?? Start);

    /// <summary>An outcome given by model and entity key.</summary>
    public static Outcome ForEntity(string entityKey, string model = "flight-delay", DateTimeOffset? observedAt = null, string? label = "late", DateTimeOffset? receivedAt = null)
    {
        var observed = observedAt ?? Start;
        return Outcome.Received(OutcomeIds.ForEntity(model, entityKey, observed), null, model, entityKey, observed, null, label, receivedAt ?? Start);
    }

    public static void AssertSame(Outcome expected, Outcome? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.OutcomeId, actual.OutcomeId);
        Assert.Equal(expected.PredictionId, actual.PredictionId);
        Assert.Equal(expected.ModelName, actual.ModelName);
        Assert.Equal(expected.EntityKey, actual.EntityKey);
        Assert.Equal(expected.ObservedAt, actual.ObservedAt);
        Assert.Equal(expected.Value, actual.Value);
        Assert.Equal(expected.Label, actual.Label);
        Assert.Equal(expected.ReceivedAt, actual.ReceivedAt);
        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.Joins, actual.Joins);
        Assert.Equal(expected.JoinedAt, actual.JoinedAt);
        Assert.Equal(expected.Duplicates, actual.Duplicates);
        Assert.Equal(expected.ReportedBy, actual.ReportedBy);
    }
}
