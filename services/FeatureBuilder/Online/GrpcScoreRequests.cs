using Contracts.Predictions;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Options;
using ServiceDefaults.Scoring;
using ServiceDefaults.Scoring.Grpc;

namespace FeatureBuilder.Online;

/// <summary>
/// The direct hop to the Inference replicas: <c>platform.scoring.v1.Scoring/Score</c> over HTTP/2 to
/// <c>FeatureBuilder:InferenceAddress</c>, round robin over every replica the address names (a replica that does not
/// answer is left out until it does; a call a replica cannot take is tried on the next, three attempts in all), with the
/// caller's credential, waiting up to <c>FeatureBuilder:InferenceTimeout</c>.
/// The event path's requests (another system's, from the broker, with no credential to forward) go over the bus
/// (<see cref="BusScoreRequests"/>).
/// </summary>
public sealed class GrpcScoreRequests : IScoreRequests, IDisposable
{
    private readonly ServiceProvider _resolvers;
    private readonly GrpcChannel _channel;
    private readonly ServiceDefaults.Scoring.Grpc.Scoring.ScoringClient _client;
    private readonly BusScoreRequests _bus;
    private readonly TimeSpan _timeout;

    /// <summary>A client of the replicas at <c>FeatureBuilder:InferenceAddress</c> (validated at start-up).</summary>
    public GrpcScoreRequests(IOptions<FeatureBuilderOptions> options, BusScoreRequests bus)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_bus, _timeout) = (bus, options.Value.InferenceTimeout);
        var addresses = InferenceAddresses.Parse(options.Value.InferenceAddress!);
        // The channel's address names the resolver; the static one answers with the configured addresses, the DNS one looks
        // the name up again every 30 s (and when a connection fails), so replicas that come and go are found.
        ResolverFactory resolver = addresses.Dns ? new DnsResolverFactory(TimeSpan.FromSeconds(30)) : new StaticResolverFactory(_ => addresses.Addresses);
        var target = addresses.Dns ? $"dns:///{addresses.Addresses[0].EndPoint}" : "static:///inference";
        // The channel finds its resolver factory in a service provider of its own.
        _resolvers = new ServiceCollection().AddSingleton(resolver).BuildServiceProvider();
        _channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            // UNAVAILABLE is a replica that cannot take the call (not listening, just started and without the API keys or
            // the model yet): the next attempt goes to the next replica. Inference refuses before it scores, so nothing is
            // scored twice; the deadline covers every attempt.
            ServiceConfig = new ServiceConfig
            {
                LoadBalancingConfigs = { new RoundRobinConfig() },
                MethodConfigs =
                {
                    new MethodConfig
                    {
                        Names = { MethodName.Default },
                        RetryPolicy = new RetryPolicy
                        {
                            MaxAttempts = 3,
                            InitialBackoff = TimeSpan.FromMilliseconds(20),
                            MaxBackoff = TimeSpan.FromMilliseconds(200),
                            BackoffMultiplier = 2,
                            RetryableStatusCodes = { StatusCode.Unavailable },
                        },
                    },
                },
            },
            ServiceProvider = _resolvers,
        });
        _client = new ServiceDefaults.Scoring.Grpc.Scoring.ScoringClient(_channel);
    }

    /// <inheritdoc />
    public async Task<ScoreOutcome> ScoreAsync(ScoreRequest request, CallerCredential? credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Source == PredictionSources.Event)
            return await _bus.ScoreAsync(request, credential, cancellationToken);
        try
        {
            // Without a credential (security switched off) the call goes without one, as the client's request did.
            var headers = credential is null ? [] : new Metadata { { credential.Header, credential.Value } };
            using var call = _client.ScoreAsync(
                ScoringMessages.ToCall(request),
                headers,
                DateTime.UtcNow.Add(_timeout),
                cancellationToken);
            return new ScoreOutcome(ScoringMessages.ToResponse(await call.ResponseAsync), null);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.DeadlineExceeded)
        {
            return new ScoreOutcome(null, $"Inference did not answer within {_timeout.TotalSeconds:0.###} s.");
        }
        catch (RpcException exception) when (exception.Trailers.GetValue(ScoringMessages.RejectedCodeTrailer) is not null)
        {
            return new ScoreOutcome(null, $"Inference cannot score '{request.ModelName}' version {request.ModelVersion} right now: {exception.Status.Detail}");
        }
        catch (RpcException exception)
        {
            return new ScoreOutcome(null, $"No Inference replica answered ({exception.StatusCode}): {exception.Status.Detail}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _channel.Dispose();
        _resolvers.Dispose();
    }
}
