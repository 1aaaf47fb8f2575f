using Contracts.Monitoring;
using Contracts.Outcomes;
using MassTransit;
using Modeling.Cards;
using Retrainer.Rollouts;

namespace Retrainer.Consumers;

/// <summary>
/// Counts Inference's requests per version for the running rollouts (<see cref="RequestMetricsReported"/>, route
/// <c>bus:ScoreRequest</c>): what a canary step's error-rate and latency analysis reads. Queue
/// <c>retrainer-rollout-request-metrics</c>.
/// </summary>
public sealed class RolloutRequestMetricsConsumer(RolloutManager rollouts, RolloutEvidence evidence) : IConsumer<RequestMetricsReported>
{
    /// <summary>The route Inference reports online scoring under.</summary>
    public const string ScoringRoute = "bus:ScoreRequest";

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<RequestMetricsReported> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = context.Message;
        if (report.Service != "Inference")
            return;
        var active = await rollouts.ActiveAsync(context.CancellationToken);
        foreach (var route in report.Routes)
        {
            if (route.Route != ScoringRoute || route.Version is null
                || active.FirstOrDefault(rollout => rollout.ModelName == route.Model) is not { } rollout
                || (route.Version != rollout.ChampionVersion && route.Version != rollout.ChallengerVersion))
                continue;
            evidence.AddRequests(rollout.RolloutId, route.Version, route.Requests, route.ServerErrors, report.BucketUpperBoundsMs, route.BucketCounts);
        }
    }
}

/// <summary>
/// Counts the outcomes of the running rollouts' versions (<see cref="OutcomeRecorded"/> of predictions made since the
/// rollout started): whether each prediction was right (the bandit's reward) and its probability against the truth
/// (live AUC). Queue <c>retrainer-rollout-outcomes</c>.
/// </summary>
public sealed class RolloutOutcomesConsumer(RolloutManager rollouts, RolloutEvidence evidence, RolloutCards cards) : IConsumer<OutcomeRecorded>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<OutcomeRecorded> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outcome = context.Message;
        var active = await rollouts.ActiveAsync(context.CancellationToken);
        if (active.FirstOrDefault(rollout => rollout.ModelName == outcome.ModelName) is not { } rollout
            || (outcome.ModelVersion != rollout.ChampionVersion && outcome.ModelVersion != rollout.ChallengerVersion)
            || outcome.PredictedAt < rollout.StartedAt)
            return;
        if (await cards.FindAsync(outcome.ModelName, outcome.ModelVersion, context.CancellationToken) is not { } card
            || OutcomeLabels.IsPositive(card, outcome.ActualValue, outcome.ActualLabel) is not { } positive)
            return;
        var predictedPositive = card.Output.Labels.Count == 2 && outcome.PredictedLabel is { } label
            ? string.Equals(label, card.Output.Labels[1], StringComparison.OrdinalIgnoreCase)
            : outcome.Probability >= card.Output.Threshold;
        evidence.AddOutcome(rollout.RolloutId, outcome.ModelVersion, predictedPositive == positive, outcome.Probability, positive);
    }
}

/// <summary>Names the evidence consumers' queues.</summary>
public sealed class RolloutRequestMetricsConsumerDefinition : ConsumerDefinition<RolloutRequestMetricsConsumer>
{
    /// <summary>Queue <c>retrainer-rollout-request-metrics</c>.</summary>
    public RolloutRequestMetricsConsumerDefinition() => EndpointName = "retrainer-rollout-request-metrics";
}

/// <summary>Names the outcome consumer's queue.</summary>
public sealed class RolloutOutcomesConsumerDefinition : ConsumerDefinition<RolloutOutcomesConsumer>
{
    /// <summary>Queue <c>retrainer-rollout-outcomes</c>.</summary>
    public RolloutOutcomesConsumerDefinition() => EndpointName = "retrainer-rollout-outcomes";
}
