using System.Globalization;
using Microsoft.Extensions.Options;
using Modeling.Bundles;
using Modeling.Flights;
using Retrainer.Demo;
using Retrainer.Registry;
using Retrainer.Rollouts;
using Retrainer.Training;

namespace Retrainer.Retraining;

/// <summary>
/// One retraining, start to decision: the labelled rows by the model's data policy, a challenger trained on them, champion
/// and challenger scored on the same recent hold-out, and — only when the challenger wins by the margin — the challenger
/// registered (trigger and parent in its lineage) and its rollout started. Every step's numbers end up in the job.
/// </summary>
public sealed partial class RetrainingRun(
    LabelledRowStore rows,
    ModelRegistry registry,
    IRolloutStarter rollouts,
    IOptions<RetrainingOptions> options,
    TimeProvider time,
    ILogger<RetrainingRun> logger)
{
    /// <summary>Names the labelled rows as a dataset in a challenger's lineage.</summary>
    public const string LabelledRowsDataset = "retrainer:labelled-outcomes";

    private static readonly FlightDelayTrainingOptions Defaults = new();

    /// <summary>Runs <paramref name="job"/> (state <c>running</c>) to its end; returns it succeeded or failed, not yet stored.</summary>
    /// <param name="job">The job.</param>
    /// <param name="progress">Stores the job as it goes (e.g. when training began).</param>
    /// <param name="cancellationToken">Stops the job (the Retrainer is stopping).</param>
    public async Task<RetrainingJob> ExecuteAsync(RetrainingJob job, Func<RetrainingJob, Task> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(progress);
        var settings = options.Value;
        var policy = settings.For(job.Model);
        job = job with { StartedAt = time.GetUtcNow() };
        await progress(job);

        if (await registry.ServedVersionAsync(job.Model, cancellationToken) is not { } championVersion
            || await registry.FindAsync(job.Model, championVersion, cancellationToken) is not { } champion)
            return Failed(job, $"model '{job.Model}' has no version that serves traffic to compare a challenger with");
        job = job with { ChampionVersion = championVersion };
        var task = champion.Card.Task;
        var metric = policy.Metric ?? EvaluationMetrics.Of(task)[0];
        if (!EvaluationMetrics.Of(task).Contains(metric))
        {
            return Failed(job, $"the metric '{metric}' (Retraining:Models:{job.Model}:Metric or Retraining:Metric) does not fit the {ChampionChallengerEvaluation.TaskName(task)} model '{job.Model}'; " +
                $"use one of {string.Join(", ", EvaluationMetrics.Of(task))}");
        }

        if (job.Model != FlightDelayModel.Name)
        {
            return Failed(job, $"model '{job.Model}' has no trainer in the Retrainer (it trains '{FlightDelayModel.Name}' only); " +
                $"train it elsewhere and register the version with POST /api/v1/models/{job.Model}/versions");
        }

        // The data: the recent window back from the newest observation, its newest share held out.
        if (await rows.NewestObservedAtAsync(job.Model, cancellationToken) is not { } newest)
            return Failed(job, $"no labelled rows of '{job.Model}' yet: they come from OutcomeRecorded events of predictions with a raw input");
        var recentFrom = TrainingDataSelection.WindowStart(newest, policy);
        var recent = await rows.NewestAsync(job.Model, recentFrom, newest.AddTicks(1), settings.MaxRecentRows, cancellationToken);
        IReadOnlyList<LabelledRow> earlier = policy.Policy == RetrainingPolicies.RecentPlusEarlier
            ? await rows.NewestAsync(job.Model, null, recentFrom, settings.MaxEarlierRows, cancellationToken)
            : [];
        var selection = TrainingDataSelection.Select(recent, earlier, newest, policy);
        var datasetFlights = await DatasetWindowAsync(job.Model, champion, policy, settings, cancellationToken);
        var trainingFlights = LabelledFlights.From(selection.Training);
        var earlierCount = selection.EarlierRows + datasetFlights.Count;
        trainingFlights.InsertRange(0, datasetFlights);
        var holdoutFlights = LabelledFlights.From(selection.Holdout);
        job = job with
        {
            Data = new RetrainingData(policy.Policy, selection.RecentFrom, selection.RecentTo, trainingFlights.Count, selection.Holdout.Count, earlierCount),
        };
        if (selection.RecentRows < policy.MinRows)
        {
            return Failed(job, string.Create(CultureInfo.InvariantCulture,
                $"only {selection.RecentRows} labelled rows between {selection.RecentFrom:u} and {selection.RecentTo:u}; at least {policy.MinRows} are needed (Retraining:MinRows)"));
        }

        var version = await NextVersionAsync(job.Model, cancellationToken);
        var training = new FlightDelayTrainingOptions
        {
            Version = version,
            Trigger = job.Trigger,
            ParentVersion = championVersion,
            Dataset = datasetFlights.Count > 0 ? $"{LabelledRowsDataset} + {DemoData.DatasetName}" : LabelledRowsDataset,
            WindowStart = selection.RecentFrom.UtcDateTime,
            WindowEnd = selection.RecentTo.UtcDateTime,
            HoldoutFraction = policy.HoldoutShare,
            Trees = settings.Trees ?? Inherited(champion, "trees", Defaults.Trees),
            Leaves = settings.Leaves ?? Inherited(champion, "leaves", Defaults.Leaves),
            MinimumRowsPerLeaf = settings.MinimumRowsPerLeaf ?? Inherited(champion, "minimumRowsPerLeaf", Defaults.MinimumRowsPerLeaf),
            MinimumAirportFlights = settings.MinimumAirportFlights ?? Inherited(champion, "minimumAirportFlights", Defaults.MinimumAirportFlights),
        };
        LogTraining(logger, job.Model, job.JobId, version, trainingFlights.Count, holdoutFlights.Count);
        // CPU-bound for seconds to minutes: on a pool thread of its own, never on a consumer's or a request's.
        var trained = await Task.Run(() => new FlightDelayTrainer(time).Train(trainingFlights, holdoutFlights, training), cancellationToken);
        var evaluation = await Task.Run(() => ChampionChallengerEvaluation.Evaluate(champion, trained.Bundle, selection.Holdout, policy.Margin, metric), cancellationToken);
        job = job with { Evaluation = evaluation };
        LogDecision(logger, job.Model, job.JobId, evaluation.Decision, evaluation.Reason);
        if (evaluation.Decision != RetrainingDecisions.RolledOut)
            return job with { State = RetrainingJobState.Succeeded, FinishedAt = time.GetUtcNow() };

        var registration = await registry.RegisterAsync(trained.Bundle, job.Trigger, cancellationToken);
        if (registration.Outcome != RegistrationOutcome.Registered)
            return Failed(job with { Evaluation = evaluation with { Decision = RetrainingDecisions.Rejected } }, $"version {version} of '{job.Model}' was registered by someone else meanwhile; the challenger was not registered");
        job = job with { ChallengerVersion = version };
        var started = await rollouts.StartAsync(new RolloutStart(job.Model, version, policy.RolloutStrategy, $"retraining:{job.JobId}"), cancellationToken);
        if (!started.Started)
        {
            return Failed(job with { Evaluation = evaluation with { Decision = RetrainingDecisions.Registered } },
                $"version {version} was registered but its {policy.RolloutStrategy} rollout did not start: {started.Error}");
        }

        return job with { RolloutId = started.RolloutId, State = RetrainingJobState.Succeeded, FinishedAt = time.GetUtcNow() };
    }

    private RetrainingJob Failed(RetrainingJob job, string error)
    {
        LogFailed(logger, job.Model, job.JobId, error);
        return job with { State = RetrainingJobState.Failed, Error = error, FinishedAt = time.GetUtcNow() };
    }

    // recent-plus-earlier, when the flights file is here: the window of the file the model's line was first trained on,
    // the champion's own or, for a version the Retrainer trained (its lineage names the kept rows), that of its nearest
    // ancestor trained on the file; so every generation keeps that base instead of losing it after the first promotion.
    private async Task<List<FlightRecord>> DatasetWindowAsync(
        string model, ModelBundle champion, RetrainingPolicy policy, RetrainingOptions settings, CancellationToken cancellationToken)
    {
        if (policy.Policy != RetrainingPolicies.RecentPlusEarlier || !settings.EarlierFromDataset
            || DemoData.FindFlightsFile(Environment.CurrentDirectory) is not { } file)
            return [];
        var card = champion.Card;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (card is not null && seen.Add(card.Version))
        {
            if (card.Lineage is { Dataset: DemoData.DatasetName, WindowStart: { } start, WindowEnd: { } end })
                return await FlightDelayTrainer.ReadWindowAsync(file, start, end, settings.MaxEarlierRows, cancellationToken);
            card = card.Lineage?.ParentVersion is { } parent ? (await registry.FindAsync(model, parent, cancellationToken))?.Card : null;
        }

        return [];
    }

    // A hyperparameter of the champion's training (its card's lineage), or the trainer's default when the card has none.
    private static int Inherited(ModelBundle champion, string name, int fallback) =>
        champion.Card.Lineage?.Hyperparameters?.GetValueOrDefault(name) is { } text
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;

    // One above the highest numeric version (versions of the registry are usually 1, 2, 3, …).
    private async Task<string> NextVersionAsync(string model, CancellationToken cancellationToken)
    {
        var versions = (await registry.VersionsAsync(model, cancellationToken))?.Versions.Select(version => version.Version).ToHashSet(StringComparer.Ordinal) ?? [];
        var next = versions.Select(version => long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0).DefaultIfEmpty(0).Max() + 1;
        while (versions.Contains(next.ToString(CultureInfo.InvariantCulture)))
            next++;
        return next.ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining {Model} (job {JobId}): training version {Version} on {TrainingRows} rows, {HoldoutRows} held out")]
    private static partial void LogTraining(ILogger logger, string model, string jobId, string version, int trainingRows, int holdoutRows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining {Model} (job {JobId}): {Decision}: {Reason}")]
    private static partial void LogDecision(ILogger logger, string model, string jobId, string decision, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining {Model} (job {JobId}) failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string model, string jobId, string error);
}
