using Contracts.Monitoring;
using Contracts.Outcomes;
using MassTransit;
using Modeling.Cards;
using Modeling.Features;
using Retrainer.Rollouts;
using ServiceDefaults.Scoring;

namespace Retrainer.Consumers;

/// <summary>
/// Counts Inference's requests per version for the running rollouts (<see cref="RequestMetricsReported"/>, route
/// <see cref="IScoreRequests.Route"/>): what a canary step's error-rate and latency analysis reads. Queue
/// <c>retrainer-rollout-request-metrics</c>.
/// </summary>
public sealed class RolloutRequestMetricsConsumer(RolloutManager rollouts, RolloutEvidence evidence) : IConsumer<RequestMetricsReported>
{
    /// <summary>The route Inference reports online scoring under.</summary>
    public const string ScoringRoute = IScoreRequests.Route;

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
/// rollout started), judged by the version's task: for a classifier whether the prediction was right (the bandit's
/// reward; the label it named, else its most probable one), with a binary model's probability against the truth (live
/// AUC); for a regression its error. Queue <c>retrainer-rollout-outcomes</c>.
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
        if (await cards.FindAsync(outcome.ModelName, outcome.ModelVersion, context.CancellationToken) is not { } card)
            return;
        switch (card.Task)
        {
            case ModelTask.Binary:
                if (OutcomeLabels.IsPositive(card, outcome.ActualValue, outcome.ActualLabel) is not { } positive)
                    return;
                var predictedPositive = card.Output.Labels.Count == 2 && outcome.PredictedLabel is { } label
                    ? string.Equals(label, card.Output.Labels[1], StringComparison.OrdinalIgnoreCase)
                    : outcome.Probability >= card.Output.Threshold;
                evidence.AddOutcome(rollout.RolloutId, outcome.ModelVersion, predictedPositive == positive, outcome.Probability, positive);
                break;
            case ModelTask.Multiclass:
                if (Truth(card, outcome) is not { } truth || PredictedClass(card, outcome) is not { } predicted)
                    return;
                evidence.AddOutcome(rollout.RolloutId, outcome.ModelVersion, predicted == (int)truth);
                break;
            default:
                if (Truth(card, outcome) is not { } value || outcome.PredictedValue is not { } predictedValue)
                    return;
                evidence.AddError(rollout.RolloutId, outcome.ModelVersion, predictedValue - value);
                break;
        }
    }

    private static double? Truth(ModelCard card, OutcomeRecorded outcome) =>
        OutcomeLabels.TruthOf(card, outcome.ActualValue is { } value ? RawValue.Of(value) : RawValue.Of(outcome.ActualLabel));

    // The index of the label the prediction named, else of its most probable label.
    private static int? PredictedClass(ModelCard card, OutcomeRecorded outcome)
    {
        if (outcome.PredictedLabel is { } label)
        {
            for (var index = 0; index < card.Output.Labels.Count; index++)
            {
                if (string.Equals(card.Output.Labels[index], label, StringComparison.OrdinalIgnoreCase))
                    return index;
            }
        }

        return outcome.Probabilities is { Length: > 0 } probabilities
            ? Array.IndexOf(probabilities, probabilities.Max())
            : null;
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
