using Contracts.Predictions;
using FeatureBuilder.Models;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FeatureBuilder.Online;

/// <summary>Asks Inference, over the bus, to score featurized records with the version they were built for.</summary>
public sealed class OnlinePredictor(IRequestClient<ScoreRequest> client, IOptions<FeatureBuilderOptions> options)
{
    /// <summary>Inference's answer, or why there is none (rejected, timed out, broker unreachable).</summary>
    /// <param name="card">The served version the records were featurized by.</param>
    /// <param name="records">The featurized records.</param>
    /// <param name="source">Where they came from: <see cref="PredictionSources.Online"/> or <see cref="PredictionSources.Event"/>.</param>
    /// <param name="receivedAt">When the platform received them.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task<ScoreOutcome> ScoreAsync(ServedCard card, FeaturizedRecords records, string source, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(records);
        var request = new ScoreRequest(
            card.Card.Name, card.Card.Version, card.Featurizer.Width, records.Features, records.Valid, source, receivedAt);
        try
        {
            var timeout = RequestTimeout.After(ms: (int)options.Value.InferenceTimeout.TotalMilliseconds);
            // Not persisted by the broker: a lost request ends in a timeout and a 503 the client can retry,
            // while persisting would add a disk flush to every prediction's latency.
            var response = await client.GetResponse<ScoreResponse, ScoreRejected>(
                request, pipe => pipe.UseExecute(send => send.Durable = false), cancellationToken, timeout);
            if (response.Is(out Response<ScoreResponse>? scored))
                return new ScoreOutcome(scored.Message, null);
            var reason = response.Is(out Response<ScoreRejected>? rejected) ? rejected.Message.Reason : "an unexpected answer";
            return new ScoreOutcome(null, $"Inference cannot score '{card.Card.Name}' version {card.Card.Version} right now: {reason}");
        }
        catch (RequestTimeoutException)
        {
            return new ScoreOutcome(null, $"Inference did not answer within {options.Value.InferenceTimeout.TotalSeconds:0.###} s.");
        }
        catch (MassTransitException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new ScoreOutcome(null, $"The message broker is not reachable: {exception.Message}");
        }
    }
}

/// <summary>Inference's scores, or the reason there are none.</summary>
/// <param name="Scored">The scores, one per valid record.</param>
/// <param name="Unavailable">Why Inference could not score (the client gets 503).</param>
public sealed record ScoreOutcome(ScoreResponse? Scored, string? Unavailable);
