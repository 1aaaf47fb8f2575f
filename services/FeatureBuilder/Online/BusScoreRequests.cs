using Contracts.Predictions;
using MassTransit;
using Microsoft.Extensions.Options;
using ServiceDefaults.Scoring;

namespace FeatureBuilder.Online;

/// <summary>
/// Sends a <see cref="ScoreRequest"/> to the Inference replicas over the bus (request/response; one replica answers) and
/// waits up to <c>FeatureBuilder:InferenceTimeout</c>: the hop of the distributed mode for the event path's requests
/// (other systems', with no credential to forward), and for every request when <c>FeatureBuilder:InferenceAddress</c> is
/// not set. The broker is the trust boundary here: only the platform's services may publish a <see cref="ScoreRequest"/>.
/// </summary>
public sealed class BusScoreRequests(IClientFactory clients, IOptions<FeatureBuilderOptions> options) : IScoreRequests
{
    private readonly TimeSpan _timeout = options.Value.InferenceTimeout;

    /// <inheritdoc />
    public async Task<ScoreOutcome> ScoreAsync(ScoreRequest request, CallerCredential? credential, CancellationToken cancellationToken)
    {
        try
        {
            var client = clients.CreateRequestClient<ScoreRequest>(RequestTimeout.After(ms: (int)_timeout.TotalMilliseconds));
            // Not persisted by the broker: a lost request ends in a timeout and a 503 the client can retry,
            // while persisting would add a disk flush to every prediction's latency.
            var response = await client.GetResponse<ScoreResponse, ScoreRejected>(request, pipe => pipe.UseExecute(send => send.Durable = false), cancellationToken);
            if (response.Is(out Response<ScoreResponse>? scored))
                return new ScoreOutcome(scored.Message, null);
            return response.Is(out Response<ScoreRejected>? rejected)
                ? ScoreOutcome.Of(rejected.Message)
                : new ScoreOutcome(null, $"Inference cannot score '{request.ModelName}' version {request.ModelVersion} right now: an unexpected answer");
        }
        catch (RequestTimeoutException)
        {
            return new ScoreOutcome(null, $"Inference did not answer within {_timeout.TotalSeconds:0.###} s.");
        }
        catch (MassTransitException exception)
        {
            return new ScoreOutcome(null, $"The message broker is not reachable: {exception.Message}");
        }
    }
}
