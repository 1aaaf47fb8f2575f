using System.Text.Json;
using Contracts.Predictions;
using ServiceDefaults.Scoring;

namespace ServiceDefaults.Tests.Scoring;

/// <summary>A ScoreRequest and its ScoreResponse survive the gRPC hop field for field, absent fields staying absent.</summary>
public sealed class ScoringMessagesTests
{
    private static readonly DateTimeOffset Received = new(2001, 2, 3, 7, 45, 0, 123, TimeSpan.Zero);

    [Fact]
    public void A_request_comes_back_with_every_record_s_key_correlation_input_and_time()
    {
        var request = new ScoreRequest(
            "flight-delay", "3", 2, [1.5f, 2, 3, 4.25f],
            [
                new ScoreRecord("UA-1", "c-1", JsonElement.Parse("""{"origin":"ORD","distance":1744}""")) { ReceivedAt = Received.AddSeconds(1) },
                new ScoreRecord(null, null, null),
            ],
            PredictionSources.Online, Received);

        var back = ScoringMessages.ToRequest(ScoringMessages.ToCall(request));

        Assert.Equal((request.ModelName, request.ModelVersion, request.Width, request.Source, request.ReceivedAt), (back.ModelName, back.ModelVersion, back.Width, back.Source, back.ReceivedAt));
        Assert.Equal(request.Features, back.Features);
        Assert.Equal(("UA-1", "c-1", Received.AddSeconds(1)), (back.Records[0].EntityKey, back.Records[0].CorrelationId, back.Records[0].ReceivedAt));
        Assert.Equal(1744, back.Records[0].Input!.Value.GetProperty("distance").GetInt32());
        Assert.Equal((null, null, null, null), (back.Records[1].EntityKey, back.Records[1].CorrelationId, back.Records[1].Input, back.Records[1].ReceivedAt));
    }

    [Fact]
    public void A_response_comes_back_with_each_prediction_s_id_label_probability_value_version_and_label_probabilities()
    {
        var response = new ScoreResponse("flight-delay", "3",
        [
            new Prediction(Guid.CreateVersion7(), "late", 0.75f, 1.25f),
            new Prediction(Guid.CreateVersion7(), null, null, 42.5f) { ModelVersion = "4" },
            new Prediction(Guid.CreateVersion7(), "rain", 0.6f, null) { Probabilities = [0.1f, 0.6f, 0.3f] },
        ], Received);

        var back = ScoringMessages.ToResponse(ScoringMessages.ToReply(response));

        Assert.Equal((response.ModelName, response.ModelVersion, response.ScoredAt), (back.ModelName, back.ModelVersion, back.ScoredAt));
        Assert.Equal(response.Predictions[0], back.Predictions[0]);
        Assert.Equal(response.Predictions[1], back.Predictions[1]);
        Assert.Null(back.Predictions[0].ModelVersion);
        Assert.Equal("4", back.Predictions[1].ModelVersion);
        Assert.Null(back.Predictions[0].Probabilities);
        Assert.Equal([0.1f, 0.6f, 0.3f], back.Predictions[2].Probabilities!);
        Assert.Equal(("rain", 0.6f), (back.Predictions[2].Label, back.Predictions[2].Probability!.Value));
    }
}
