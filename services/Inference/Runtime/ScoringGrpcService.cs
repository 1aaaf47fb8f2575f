using Contracts.Predictions;
using Grpc.Core;
using ServiceDefaults.Metrics;
using ServiceDefaults.Scoring;
using ServiceDefaults.Scoring.Grpc;

namespace Inference.Runtime;

/// <summary>
/// The scoring hop over gRPC (<c>platform.scoring.v1.Scoring/Score</c>): FeatureBuilder's <see cref="ScoreCall"/>, scored by
/// <see cref="OnlineScoring"/> as the bus's <c>ScoreRequest</c> is. A refusal is UNAVAILABLE (INVALID_ARGUMENT for a wrong
/// shape) with the reason as detail and the code in the <see cref="ScoringMessages.RejectedCodeTrailer"/> trailer. The call needs the <c>predict</c> scope (the
/// credential of the online request it serves; <c>GrpcOperations</c>); <see cref="OnlineScoring"/> counts it in the
/// request metrics once per version that answered, so the middleware leaves it out.
/// </summary>
public sealed class ScoringGrpcService(OnlineScoring scoring) : ServiceDefaults.Scoring.Grpc.Scoring.ScoringBase
{
    /// <inheritdoc />
    public override async Task<ScoreReply> Score(ScoreCall request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        context.GetHttpContext().CountedByEndpoint();
        ScoreAnswer? answer = null;
        // The events are queued (and a shadow rollout's challenger scores) before the reply leaves: a call waits for that
        // much more than the bus's answer does.
        await scoring.ScoreRequestAsync(ScoringMessages.ToRequest(request), scored =>
        {
            answer = scored;
            return Task.CompletedTask;
        }, CancellationToken.None);
        if (answer!.Scored is { } response)
            return ScoringMessages.ToReply(response);
        // Another replica may serve the model or version (FeatureBuilder retries UNAVAILABLE there); a wrong shape is wrong everywhere.
        var rejected = answer.Rejected!;
        var status = rejected.Code == ScoreRejectedCodes.InvalidShape ? StatusCode.InvalidArgument : StatusCode.Unavailable;
        throw new RpcException(
            new Status(status, rejected.Reason),
            new Metadata { { ScoringMessages.RejectedCodeTrailer, rejected.Code } });
    }
}
