using Contracts.Predictions;
using FeedbackCollector.Outcomes;
using FeedbackCollector.Tests.Predictions;

namespace FeedbackCollector.Tests.Upgrades;

/// <summary>
/// The records in <c>feedbackcollector-before-documents.db</c>, written by the SQLite prediction log and outcome store
/// the service had before the document store: every variant (shadow, absent fields, every outcome state, duplicates,
/// the publish mark), times with sub-millisecond ticks.
/// </summary>
public static class BeforeDocuments
{
    public const string FileName = "feedbackcollector-before-documents.db";

    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567);

    public static PredictionMade Full { get; } = new(
        Guid.Parse("0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"), "flight-delay", "1", "UA123", "corr-1", PredictionSources.Online,
        SamplePredictions.Json("""{"date":"2026-03-04T05:06:07","origin":"ZRH","name":"Zürich \"Kloten\"","distance":1744.0,"legs":[1,2.5,-3e2],"stop":null,"direct":true}"""),
        [0f, 3f, 1744f, 7f, 6f, 0.1f + 0.2f, 1e-7f, -float.MaxValue], "on-time", 0.0639f, -13.4f, At.AddTicks(-32_500), At,
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    public static PredictionMade Shadow { get; } = Full with
    {
        PredictionId = Guid.Parse("0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"), ModelVersion = "2", Label = "delayed", Probability = 0.5f, PredictedAt = At.AddTicks(3), Shadow = true,
    };

    public static PredictionMade Bare { get; } = new(
        Guid.Parse("0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d"), "flight-delay", "1", null, null, PredictionSources.Tensor, null, [], null, null, 12.5f,
        At.AddDays(1), At.AddDays(1).AddTicks(9), null);

    public static IReadOnlyList<PredictionMade> Predictions { get; } = [Full, Shadow, Bare];

    public static Outcome PendingByPrediction { get; } =
        Outcome.Received(OutcomeIds.ForPrediction(Guid.Parse("0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4aff")), Guid.Parse("0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4aff"),
            null, null, At.AddTicks(11), 37.25, null, At.AddTicks(12));

    public static Outcome PendingByEntity { get; } =
        Outcome.Received(OutcomeIds.ForEntity("flight-delay", "DL9", At.AddTicks(21)), null, "flight-delay", "DL9", At.AddTicks(21), null, "late", At.AddTicks(22));

    public static Outcome JoinedAndPublished { get; } =
        Outcome.Received("flight-UA123-arrival", null, "flight-delay", "UA123", At.AddMinutes(5).AddTicks(31), 0.1 + 0.2, null, At.AddMinutes(6)) with
        {
            State = OutcomeState.Joined, Joins = [new(Full.PredictionId, "1"), new(Shadow.PredictionId, "2")], JoinedAt = At.AddMinutes(6).AddTicks(33), Duplicates = 2, Published = true,
        };

    public static Outcome JoinedNotPublished { get; } =
        Outcome.Received(OutcomeIds.ForPrediction(Bare.PredictionId), Bare.PredictionId, null, null, At.AddDays(2), -1e-300, "late", At.AddDays(2).AddTicks(41)) with
        {
            ModelName = "flight-delay", State = OutcomeState.Joined, Joins = [new(Bare.PredictionId, "1")], JoinedAt = At.AddDays(2).AddTicks(43),
        };

    public static Outcome Orphaned { get; } =
        Outcome.Received(OutcomeIds.ForEntity("other-model", "AA1", At.AddDays(-30)), null, "other-model", "AA1", At.AddDays(-30), 1e300, null, At.AddDays(-30).AddTicks(51)) with
        {
            State = OutcomeState.Orphaned, Duplicates = 1,
        };

    public static IReadOnlyList<Outcome> Outcomes { get; } = [PendingByPrediction, PendingByEntity, JoinedAndPublished, JoinedNotPublished, Orphaned];
}
