using Contracts.Predictions;

namespace ServiceDefaults.Scoring;

/// <summary>
/// Scores a <see cref="ScoreRequest"/> with Inference: FeatureBuilder's way to its predictions. Where Inference runs in the
/// same process (the embedded host), its scoring is called directly, with no hop and no serialization; in the distributed
/// mode an online request goes to a replica over gRPC with its caller's credential (when <c>FeatureBuilder:InferenceAddress</c>
/// is set), the event path's over the bus (request/response). FeatureBuilder takes the in-process scoring when Inference
/// registered it under <see cref="InProcessKey"/>.
/// </summary>
public interface IScoreRequests
{
    /// <summary>The key Inference registers its in-process scoring under (a keyed service).</summary>
    public const string InProcessKey = "in-process";

    /// <summary>
    /// The route Inference's request metrics count a scored <see cref="ScoreRequest"/> under, once per version that answered,
    /// however it arrived: what a rollout's analysis reads for each version's errors and latency.
    /// </summary>
    public const string Route = "scoring:ScoreRequest";

    /// <summary>Inference's answer, or why there is none (rejected, timed out, broker or replicas unreachable).</summary>
    /// <param name="request">The featurized records.</param>
    /// <param name="credential">The credential of the online request the records came with, forwarded on a direct call; null for the event path.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task<ScoreOutcome> ScoreAsync(ScoreRequest request, CallerCredential? credential, CancellationToken cancellationToken);
}

/// <summary>The credential a caller sent with an online request, to forward: the header's name (<c>authorization</c> or <c>x-api-key</c>) and value.</summary>
/// <param name="Header">The header, lower case (gRPC metadata keys are).</param>
/// <param name="Value">Its value, as sent.</param>
public sealed record CallerCredential(string Header, string Value)
{
    /// <summary>The request's <c>Authorization</c> header, else its <c>X-Api-Key</c>, else null (security switched off).</summary>
    public static CallerCredential? Of(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
            return new("authorization", authorization);
        return request.Headers["X-Api-Key"].ToString() is { Length: > 0 } key ? new("x-api-key", key) : null;
    }
}

/// <summary>Inference's scores, or the reason there are none.</summary>
/// <param name="Scored">The scores, one per record.</param>
/// <param name="Unavailable">Why Inference could not score, for people (the client gets 503).</param>
public sealed record ScoreOutcome(ScoreResponse? Scored, string? Unavailable)
{
    /// <summary>The outcome of Inference's refusal.</summary>
    public static ScoreOutcome Of(ScoreRejected rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        return new(null, $"Inference cannot score '{rejected.ModelName}' version {rejected.ModelVersion} right now: {rejected.Reason}");
    }
}
