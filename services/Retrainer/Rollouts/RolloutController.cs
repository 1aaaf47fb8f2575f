using System.Globalization;
using Contracts.Rollouts;
using Microsoft.Extensions.Options;
using Modeling.Statistics;

namespace Retrainer.Rollouts;

/// <summary>
/// Moves running rollouts on by themselves, every <see cref="RolloutOptions.EvaluationInterval"/>: a canary step that
/// has been held long enough (<see cref="RolloutOptions.MinRequests"/> challenger requests and
/// <see cref="RolloutOptions.MinDuration"/>) is judged (<see cref="CanaryAnalysis"/>) and the canary moves to its next
/// step, is promoted after its last, or is rolled back (a step is not left for all traffic before the versions' live
/// model metrics were compared, <see cref="RolloutOptions.MinOutcomes"/> outcomes each); a bandit's arms are set from the outcomes and broadcast, and
/// once the arms have <see cref="RolloutOptions.MinOutcomes"/> outcomes together the challenger is promoted when it is the better arm
/// with probability <see cref="RolloutOptions.BanditDecideAt"/>, or rolled back when the champion is.
/// </summary>
public sealed partial class RolloutController(
    RolloutManager rollouts,
    RolloutEvidence evidence,
    IOptions<RolloutOptions> options,
    TimeProvider time,
    Random random,
    ILogger<RolloutController> logger) : BackgroundService
{
    private readonly Dictionary<(string RolloutId, int Step), long> _requestsAtStepStart = [];

    /// <summary>Looks at every running rollout once (the loop calls it; tests call it directly).</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        foreach (var rollout in await rollouts.ActiveAsync(cancellationToken))
        {
            if (rollout.State != RolloutState.Running)
                continue;
            if (rollout.Strategy == RolloutStrategies.Canary)
                await CanaryAsync(rollout, cancellationToken);
            else if (rollout.Strategy == RolloutStrategies.Bandit)
                await BanditAsync(rollout, cancellationToken);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.EvaluationInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await EvaluateAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(exception);
            }
        }
    }

    private async Task CanaryAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var champion = evidence.Of(rollout.RolloutId, rollout.ChampionVersion);
        var challenger = evidence.Of(rollout.RolloutId, rollout.ChallengerVersion);
        // A step's requests count from when this process moved to it (or, after a restart, first saw it).
        if (!_requestsAtStepStart.TryGetValue((rollout.RolloutId, rollout.StepIndex), out var atStart))
            _requestsAtStepStart[(rollout.RolloutId, rollout.StepIndex)] = atStart = rollout.StepIndex == 0 ? 0 : challenger.Requests;
        var held = time.GetUtcNow() - rollout.StepStartedAt;
        if (challenger.Requests - atStart < settings.MinRequests || held < settings.MinDuration)
            return;

        var step = Invariant($"step {rollout.StepIndex + 1} of {rollout.Steps.Count} ({rollout.Share:P0}, {challenger.Requests - atStart} challenger requests in {held.TotalSeconds:0} s)");
        var (passed, reason) = CanaryAnalysis.Judge(champion, challenger, settings);
        var toFullTraffic = rollout.StepIndex + 1 >= rollout.Steps.Count || rollout.Steps[rollout.StepIndex + 1] >= 1;
        if (!passed)
        {
            LogDecided(rollout.ModelName, rollout.RolloutId, "rolled back", reason);
            await rollouts.RollbackAsync(rollout.ModelName, rollout.RolloutId, $"{step} {reason}", cancellationToken);
        }
        else if (toFullTraffic && rollout.Share < 1 && !CanaryAnalysis.ModelMetricsCompared(champion, challenger, settings))
        {
            // Held: the challenger takes all traffic only once its live model metrics were compared with the champion's,
            // and the champion's outcomes only come while it still answers.
        }
        else if (rollout.StepIndex + 1 >= rollout.Steps.Count)
        {
            LogDecided(rollout.ModelName, rollout.RolloutId, "promoted", reason);
            await rollouts.PromoteAsync(rollout.ModelName, rollout.RolloutId, $"{step} {reason}; last step: promoted", cancellationToken);
        }
        else
        {
            // The next step counts its own requests from here.
            _requestsAtStepStart[(rollout.RolloutId, rollout.StepIndex + 1)] = challenger.Requests;
            await rollouts.NextStepAsync(rollout.ModelName, rollout.RolloutId, $"{step} {reason}", cancellationToken);
        }
    }

    private async Task BanditAsync(Rollout rollout, CancellationToken cancellationToken)
    {
        var champion = evidence.Of(rollout.RolloutId, rollout.ChampionVersion, withAuc: false);
        var challenger = evidence.Of(rollout.RolloutId, rollout.ChallengerVersion, withAuc: false);
        IReadOnlyList<BanditArm> arms =
        [
            new BanditArm(rollout.ChampionVersion, champion.Correct, champion.Outcomes - champion.Correct),
            new BanditArm(rollout.ChallengerVersion, challenger.Correct, challenger.Outcomes - challenger.Correct),
        ];
        if (!arms.SequenceEqual(rollout.Arms))
            await rollouts.UpdateArmsAsync(rollout.ModelName, rollout.RolloutId, arms, cancellationToken);

        var settings = options.Value;
        // Outcomes of both arms together: a bandit starves the worse arm by design, and the posterior already weighs
        // how few outcomes an arm has.
        if (champion.Outcomes + challenger.Outcomes < settings.MinOutcomes)
            return;
        var better = BetaDistribution.ProbabilityGreater(random,
            1 + arms[0].Successes, 1 + arms[0].Failures, 1 + arms[1].Successes, 1 + arms[1].Failures);
        var numbers = Invariant($"P(challenger better) = {better:0.000}; rewards {arms[1].Successes}/{challenger.Outcomes} vs {arms[0].Successes}/{champion.Outcomes}");
        if (better >= settings.BanditDecideAt)
            await rollouts.PromoteAsync(rollout.ModelName, rollout.RolloutId, "bandit: " + numbers, cancellationToken);
        else if (better <= 1 - settings.BanditDecideAt)
            await rollouts.RollbackAsync(rollout.ModelName, rollout.RolloutId, "bandit: " + numbers, cancellationToken);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout {RolloutId} of {Model} {Decision}: {Reason}")]
    private partial void LogDecided(string model, string rolloutId, string decision, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Evaluating the running rollouts failed; trying again at the next interval")]
    private partial void LogFailed(Exception exception);
}
