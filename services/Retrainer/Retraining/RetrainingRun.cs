using System.Globalization;
using Microsoft.Extensions.Options;
using Modeling.Bundles;
using Retrainer.Registry;
using Retrainer.Rollouts;
using Retrainer.Training;
using Retrainer.TrainingData;

namespace Retrainer.Retraining;

/// <summary>
/// One retraining of any model, start to decision: the labelled rows by the model's data policy, a challenger trained on
/// them from the champion's card (<see cref="CardTrainer"/>: its features, label rule and task; its input tensor, so it
/// can replace a champion trained elsewhere), champion and challenger scored on the same recent hold-out by the task's
/// metric, and — only when the challenger wins by the margin — the challenger registered (trigger and parent in its
/// lineage) and its rollout started. Every step's numbers end up in the job. A model's
/// <see cref="IRetrainingCustomization"/>, when one is registered, refreshes the challenger's features and adds earlier
/// data.
/// </summary>
public sealed partial class RetrainingRun(
    LabelledRowStore rows,
    ModelRegistry registry,
    IRolloutStarter rollouts,
    ExternalTrainer external,
    IEnumerable<IRetrainingCustomization> customizations,
    IOptions<RetrainingOptions> options,
    IOptions<RegistryOptions> registryOptions,
    TimeProvider time,
    ILogger<RetrainingRun> logger)
{
    /// <summary>Names the labelled rows as a dataset in a challenger's lineage.</summary>
    public const string LabelledRowsDataset = "retrainer:labelled-outcomes";

    private static readonly CardTrainingOptions Defaults = new() { Version = "defaults", Dataset = LabelledRowsDataset };
    private readonly IReadOnlyList<IRetrainingCustomization> _customizations = [.. customizations];

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
        if (job.External is not null)
            return await EvaluateExternalAsync(job, policy, cancellationToken);
        job = job with { StartedAt = time.GetUtcNow() };
        await progress(job);

        if (await registry.ServedVersionAsync(job.Model, cancellationToken) is not { } championVersion
            || await registry.FindAsync(job.Model, championVersion, cancellationToken) is not { } champion)
            return Failed(job, $"model '{job.Model}' has no version that serves traffic to compare a challenger with");
        job = job with { ChampionVersion = championVersion };
        var task = champion.Card.Task;
        var taskName = ChampionChallengerEvaluation.TaskName(task);
        var metric = policy.Metric ?? EvaluationMetrics.Of(task)[0];
        if (!EvaluationMetrics.Of(task).Contains(metric))
        {
            return Failed(job, $"the metric '{metric}' (Retraining:Models:{job.Model}:Metric or Retraining:Metric) does not fit the {taskName} model '{job.Model}'; " +
                $"use one of {string.Join(", ", EvaluationMetrics.Of(task))}");
        }

        // The data: the recent window back from the newest observation, its newest share held out.
        if (await rows.ReadAsync(job.Model, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, newestFirst: true, cancellationToken).FirstOrDefaultAsync(cancellationToken) is not { } newestRow)
            return Failed(job, $"no labelled rows of '{job.Model}' yet: they come from OutcomeRecorded events of predictions with a raw input");
        var newest = newestRow.ObservedAt;
        var recentFrom = TrainingDataSelection.WindowStart(newest, policy);
        IReadOnlyList<LabelledRow> recent = await rows.ReadAsync(job.Model, recentFrom, newest.AddTicks(1), newestFirst: true, cancellationToken).Take(settings.MaxRecentRows).ToListAsync(cancellationToken);
        IReadOnlyList<LabelledRow> earlier = policy.Policy == RetrainingPolicies.RecentPlusEarlier
            ? await rows.ReadAsync(job.Model, DateTimeOffset.MinValue, recentFrom, newestFirst: true, cancellationToken).Take(settings.MaxEarlierRows).ToListAsync(cancellationToken)
            : [];
        var selection = TrainingDataSelection.Select(recent, earlier, newest, policy);
        var customization = _customizations.FirstOrDefault(candidate => candidate.Model == job.Model);
        // recent-plus-earlier: a training dataset uploaded for the model is its earlier data, in place of its customization's window.
        var dataset = policy.Policy == RetrainingPolicies.RecentPlusEarlier
            && await TrainingDatasetReader.EarlierDataAsync(registry, job.Model, champion.Card, settings.MaxEarlierRows, registryOptions.Value.RecordLimits, cancellationToken) is { } uploaded
            ? new EarlierDataset(uploaded.Name, uploaded.Examples)
            : await DatasetWindowAsync(job.Model, champion, customization, policy, settings, cancellationToken);
        List<TrainingExample> training = [.. dataset.Examples, .. Examples(selection.Training)];
        var holdout = Examples(selection.Holdout);
        job = job with
        {
            Data = new RetrainingData(policy.Policy, selection.RecentFrom, selection.RecentTo, training.Count, selection.Holdout.Count, selection.EarlierRows + dataset.Examples.Count,
                selection.Reporters()),
        };
        if (selection.RecentRows < policy.MinRows)
        {
            return Failed(job, string.Create(CultureInfo.InvariantCulture,
                $"only {selection.RecentRows} labelled rows between {selection.RecentFrom:u} and {selection.RecentTo:u}; at least {policy.MinRows} are needed (Retraining:MinRows)"));
        }

        if (policy.Trainer == RetrainingTrainers.External)
            return await external.RequestAsync(job, taskName, metric, selection, policy, cancellationToken);

        var version = await NextVersionAsync(job.Model, cancellationToken);
        var features = customization?.Features(champion.Card, training) ?? new ChallengerFeatures(champion.Card.Features, new Dictionary<string, string>());
        var card = champion.Card with { Features = features.Features };
        if (!card.Features.SelectMany(feature => feature.Columns()).SequenceEqual(champion.Card.Input.Columns, StringComparer.Ordinal))
            return Failed(job, $"the challenger's features of '{job.Model}' do not produce the champion's input columns; a challenger keeps the champion's input tensor");
        var trainingOptions = new CardTrainingOptions
        {
            Version = version,
            Trigger = job.Trigger,
            ParentVersion = championVersion,
            Dataset = dataset.Name is { } earlierData ? $"{LabelledRowsDataset} + {earlierData}" : LabelledRowsDataset,
            WindowStart = selection.RecentFrom.UtcDateTime,
            WindowEnd = selection.RecentTo.UtcDateTime,
            HoldoutFraction = policy.HoldoutShare,
            Trees = policy.Trees ?? ChampionHyperparameters.PositiveInteger(champion.Card, "trees") ?? Defaults.Trees,
            Leaves = policy.Leaves ?? ChampionHyperparameters.PositiveInteger(champion.Card, "leaves") ?? Defaults.Leaves,
            MinimumRowsPerLeaf = policy.MinimumRowsPerLeaf ?? ChampionHyperparameters.PositiveInteger(champion.Card, "minimumRowsPerLeaf") ?? Defaults.MinimumRowsPerLeaf,
            MoreHyperparameters = features.Hyperparameters,
        };
        LogTraining(logger, job.Model, job.JobId, version, taskName, training.Count, holdout.Count);
        // CPU-bound for seconds to minutes: on a pool thread of its own, never on a consumer's or a request's.
        var trained = await Task.Run(() => new CardTrainer(time).Train(card, training, holdout, trainingOptions), cancellationToken);
        var evaluation = await Task.Run(() => ChampionChallengerEvaluation.Evaluate(champion, trained.Bundle, selection.Holdout, policy.Margin, metric), cancellationToken);
        job = job with { Evaluation = evaluation };
        LogDecision(logger, job.Model, job.JobId, evaluation.Decision, evaluation.Reason);
        if (evaluation.Decision != RetrainingDecisions.RolledOut)
            return job with { State = RetrainingJobState.Succeeded, FinishedAt = time.GetUtcNow() };

        var registration = await registry.RegisterAsync(trained.Bundle, job.Trigger, cancellationToken);
        if (registration.Outcome != RegistrationOutcome.Registered)
            return Failed(job with { Evaluation = evaluation with { Decision = RetrainingDecisions.Rejected } }, $"version {version} of '{job.Model}' was registered by someone else meanwhile; the challenger was not registered");
        return await RollOutAsync(job with { ChallengerVersion = version }, evaluation, policy, cancellationToken);
    }

    // An external trainer's version (the job's challenger, registered by the team) against the champion serving now, on
    // the kept rows of the hold-out the job announced; rolled out by the model's policy when it wins.
    private async Task<RetrainingJob> EvaluateExternalAsync(RetrainingJob job, RetrainingPolicy policy, CancellationToken cancellationToken)
    {
        var window = job.External!;
        var version = job.ChallengerVersion!;
        if (await registry.ServedVersionAsync(job.Model, cancellationToken) is not { } championVersion
            || await registry.FindAsync(job.Model, championVersion, cancellationToken) is not { } champion)
            return Failed(job, $"model '{job.Model}' has no version that serves traffic to compare version {version} with");
        if (await registry.FindAsync(job.Model, version, cancellationToken) is not { } challenger)
            return Failed(job, $"version {version} of '{job.Model}' is no longer registered");
        job = job with { ChampionVersion = championVersion };
        if (championVersion == version)
            return Failed(job, $"version {version} already serves '{job.Model}' as its champion: there is nothing to compare it with");
        var metric = policy.Metric ?? EvaluationMetrics.Of(champion.Card.Task)[0];
        IReadOnlyList<LabelledRow> holdout = await rows.ReadAsync(job.Model, window.HoldoutFrom, window.HoldoutTo.AddTicks(1), newestFirst: false, cancellationToken)
            .Where(window.InHoldout).ToListAsync(cancellationToken);
        RetrainingEvaluation evaluation;
        try
        {
            evaluation = await Task.Run(() => ChampionChallengerEvaluation.Evaluate(champion, challenger, holdout, policy.Margin, metric), cancellationToken);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return Failed(job, $"version {version} could not be compared with the champion {championVersion}: {exception.Message}");
        }

        job = job with { Evaluation = evaluation };
        LogDecision(logger, job.Model, job.JobId, evaluation.Decision, evaluation.Reason);
        return evaluation.Decision == RetrainingDecisions.RolledOut
            ? await RollOutAsync(job, evaluation, policy, cancellationToken)
            : job with { State = RetrainingJobState.Succeeded, FinishedAt = time.GetUtcNow() };
    }

    // Starts the rollout of the job's challenger (registered, the winner) by the model's policy.
    private async Task<RetrainingJob> RollOutAsync(RetrainingJob job, RetrainingEvaluation evaluation, RetrainingPolicy policy, CancellationToken cancellationToken)
    {
        var version = job.ChallengerVersion!;
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

    // The kept rows as examples; a row whose input is not JSON is left out.
    private static List<TrainingExample> Examples(IEnumerable<LabelledRow> rows) =>
        [.. rows.Select(row => row.Example()).OfType<TrainingExample>()];

    // recent-plus-earlier, when the model's customization reads it: the data window the model's line was first trained
    // on, the champion's own or, for a version the Retrainer trained (its lineage names the kept rows), that of its
    // nearest ancestor trained on data the customization reads; so every generation keeps that base instead of losing
    // it after the first promotion.
    private async Task<EarlierDataset> DatasetWindowAsync(
        string model, ModelBundle champion, IRetrainingCustomization? customization, RetrainingPolicy policy, RetrainingOptions settings, CancellationToken cancellationToken)
    {
        if (policy.Policy != RetrainingPolicies.RecentPlusEarlier || customization is null)
            return EarlierDataset.None;
        var card = champion.Card;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (card is not null && seen.Add(card.Version))
        {
            if (card.Lineage is { } lineage && await customization.ReadDatasetAsync(lineage, settings.MaxEarlierRows, cancellationToken) is { } examples)
                return new EarlierDataset(lineage.Dataset, examples);
            card = card.Lineage?.ParentVersion is { } parent ? (await registry.FindAsync(model, parent, cancellationToken))?.Card : null;
        }

        return EarlierDataset.None;
    }

    // One above the highest numeric version (versions of the registry are usually 1, 2, 3, …).
    private async Task<string> NextVersionAsync(string model, CancellationToken cancellationToken)
    {
        var versions = (await registry.VersionsAsync(model, cancellationToken))?.Versions.Select(version => version.Version).ToHashSet(StringComparer.Ordinal) ?? [];
        var next = versions.Select(version => long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0).DefaultIfEmpty(0).Max() + 1;
        while (versions.Contains(next.ToString(CultureInfo.InvariantCulture)))
            next++;
        return next.ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining {Model} (job {JobId}): training {Task} version {Version} on {TrainingRows} rows, {HoldoutRows} held out")]
    private static partial void LogTraining(ILogger logger, string model, string jobId, string version, string task, int trainingRows, int holdoutRows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining {Model} (job {JobId}): {Decision}: {Reason}")]
    private static partial void LogDecision(ILogger logger, string model, string jobId, string decision, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining {Model} (job {JobId}) failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string model, string jobId, string error);

    // The examples of an earlier data window and the name of its data (null: none).
    private sealed record EarlierDataset(string? Name, IReadOnlyList<TrainingExample> Examples)
    {
        public static readonly EarlierDataset None = new(null, []);
    }
}
