using System.Text.Json;
using Contracts.Predictions;
using Google.Protobuf.WellKnownTypes;
using ServiceDefaults.Scoring.Grpc;

namespace ServiceDefaults.Scoring;

/// <summary>
/// <see cref="ScoreRequest"/> and <see cref="ScoreResponse"/> as the messages of <c>scoring.proto</c> and back, field for
/// field: FeatureBuilder maps its request to a <see cref="ScoreCall"/> and the <see cref="ScoreReply"/> back; Inference
/// the other way round. Times travel as UTC.
/// </summary>
public static class ScoringMessages
{
    /// <summary>The gRPC trailer that carries a refusal's <see cref="ScoreRejectedCodes"/> code.</summary>
    public const string RejectedCodeTrailer = "score-rejected-code";

    /// <summary>The call of a request.</summary>
    public static ScoreCall ToCall(ScoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = new ScoreCall
        {
            ModelName = request.ModelName,
            ModelVersion = request.ModelVersion,
            Width = request.Width,
            Source = request.Source,
            ReceivedAt = Timestamp.FromDateTimeOffset(request.ReceivedAt),
        };
        call.Features.AddRange(request.Features);
        foreach (var record in request.Records)
        {
            var message = new CallRecord();
            if (record.EntityKey is { } key)
                message.EntityKey = key;
            if (record.CorrelationId is { } correlation)
                message.CorrelationId = correlation;
            if (record.Input is { } input)
                message.InputJson = input.GetRawText();
            if (record.ReceivedAt is { } received)
                message.ReceivedAt = Timestamp.FromDateTimeOffset(received);
            call.Records.Add(message);
        }

        return call;
    }

    /// <summary>The request of a call.</summary>
    public static ScoreRequest ToRequest(ScoreCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var records = new ScoreRecord[call.Records.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var record = call.Records[i];
            records[i] = new ScoreRecord(
                record.HasEntityKey ? record.EntityKey : null,
                record.HasCorrelationId ? record.CorrelationId : null,
                record.HasInputJson ? JsonElement.Parse(record.InputJson) : null)
            {
                ReceivedAt = record.ReceivedAt?.ToDateTimeOffset(),
            };
        }

        return new ScoreRequest(call.ModelName, call.ModelVersion, call.Width, [.. call.Features], records, call.Source, call.ReceivedAt?.ToDateTimeOffset() ?? default);
    }

    /// <summary>The reply of a response.</summary>
    public static ScoreReply ToReply(ScoreResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var reply = new ScoreReply { ModelName = response.ModelName, ModelVersion = response.ModelVersion, ScoredAt = Timestamp.FromDateTimeOffset(response.ScoredAt) };
        foreach (var prediction in response.Predictions)
        {
            var message = new ReplyPrediction { PredictionId = prediction.PredictionId.ToString() };
            if (prediction.Label is { } label)
                message.Label = label;
            if (prediction.Probability is { } probability)
                message.Probability = probability;
            if (prediction.Value is { } value)
                message.Value = value;
            if (prediction.ModelVersion is { } version)
                message.ModelVersion = version;
            if (prediction.Probabilities is { } probabilities)
                message.Probabilities.AddRange(probabilities);
            reply.Predictions.Add(message);
        }

        return reply;
    }

    /// <summary>The response of a reply.</summary>
    public static ScoreResponse ToResponse(ScoreReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var predictions = reply.Predictions.Select(prediction => new Prediction(
            Guid.Parse(prediction.PredictionId),
            prediction.HasLabel ? prediction.Label : null,
            prediction.HasProbability ? prediction.Probability : null,
            prediction.HasValue ? prediction.Value : null)
        {
            ModelVersion = prediction.HasModelVersion ? prediction.ModelVersion : null,
            Probabilities = prediction.Probabilities.Count > 0 ? [.. prediction.Probabilities] : null,
        }).ToList();
        return new ScoreResponse(reply.ModelName, reply.ModelVersion, predictions, reply.ScoredAt?.ToDateTimeOffset() ?? default);
    }
}
