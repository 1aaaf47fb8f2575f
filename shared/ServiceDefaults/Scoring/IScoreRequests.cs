using Contracts.Predictions;

namespace ServiceDefaults.Scoring;

/// <summary>
/// Scores a <see cref="ScoreRequest"/> with Inference: FeatureBuilder's way to its predictions. Where Inference runs in the
/// same process (the embedded host), its scoring is called directly, with no hop and no serialization; otherwise the
/// request goes to the Inference replicas over the bus (request/response). FeatureBuilder takes the in-process scoring when
/// Inference registered it under <see cref="InProcessKey"/>.
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

    /// <summary>Inference's answer, or why there is none (rejected, timed out, broker unreachable).</summary>
    Task<ScoreOutcome> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken);
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
