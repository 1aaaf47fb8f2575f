using System.Globalization;
using System.Text.Json;
using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Scoring;
using Modeling.Statistics;
using Retrainer.Training;

namespace Retrainer.Retraining;

/// <summary>
/// Scores the champion and the challenger, each with its own card (featurizer) and ONNX file, on the same hold-out
/// rows, measures both by the model's task (binary AUC, accuracy and log loss; multiclass accuracy, macro-F1 and log
/// loss; regression RMSE, MAE and R²) and decides on one metric: the challenger wins only when its metric is better than
/// the champion's by the margin (higher for AUC and macro-F1, lower for log loss, RMSE and MAE). Rows either version
/// cannot featurize, or whose outcome the champion's label rule cannot read, are left out for both.
/// </summary>
public static class ChampionChallengerEvaluation
{
    /// <summary>Both versions on <paramref name="holdout"/>, and the decision with its reason.</summary>
    /// <param name="champion">The serving version.</param>
    /// <param name="challenger">The candidate, of the same model (the same task, labels and label rule).</param>
    /// <param name="holdout">The rows both are scored on.</param>
    /// <param name="margin">How much better the challenger's metric must be, in the metric's units.</param>
    /// <param name="metric">One of <see cref="EvaluationMetrics.Of"/> the champion's task; null: the task's default.</param>
    /// <exception cref="ArgumentException">The metric does not fit the task.</exception>
    /// <exception cref="InvalidOperationException">No hold-out row could be scored by both versions.</exception>
    public static RetrainingEvaluation Evaluate(ModelBundle champion, ModelBundle challenger, IReadOnlyList<LabelledRow> holdout, double margin, string? metric = null)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        ArgumentNullException.ThrowIfNull(holdout);
        var task = champion.Card.Task;
        metric ??= EvaluationMetrics.Of(task)[0];
        if (!EvaluationMetrics.Of(task).Contains(metric))
            throw new ArgumentException($"a {TaskName(task)} model is not compared on '{metric}'; use one of {string.Join(", ", EvaluationMetrics.Of(task))}", nameof(metric));

        var championFeaturizer = Featurizer.Create(champion.Card);
        var challengerFeaturizer = Featurizer.Create(challenger.Card);
        var championFeatures = new List<float>(holdout.Count * championFeaturizer.Width);
        var challengerFeatures = new List<float>(holdout.Count * challengerFeaturizer.Width);
        var championRow = new float[championFeaturizer.Width];
        var challengerRow = new float[challengerFeaturizer.Width];
        var truths = new List<double>(holdout.Count);
        foreach (var row in holdout)
        {
            if (row.Example() is not { } example || OutcomeLabels.TruthOf(champion.Card, example.Outcome) is not { } truth)
                continue;
            if (!championFeaturizer.Featurize(example.Input, championRow).IsValid || !challengerFeaturizer.Featurize(example.Input, challengerRow).IsValid)
                continue;
            championFeatures.AddRange(championRow);
            challengerFeatures.AddRange(challengerRow);
            truths.Add(truth);
        }

        if (truths.Count == 0)
            throw new InvalidOperationException($"none of the {holdout.Count} hold-out rows could be scored by both versions");
        var championNumbers = Measure(champion, new FeatureTable([.. championFeatures], [.. truths], championFeaturizer.Width));
        var challengerNumbers = Measure(challenger, new FeatureTable([.. challengerFeatures], [.. truths], challengerFeaturizer.Width));
        var (decision, reason) = Decide(championNumbers, challengerNumbers, metric, margin);
        return new RetrainingEvaluation(metric, championNumbers, challengerNumbers, margin, decision, reason,
            TaskName(task), EvaluationMetrics.HigherIsBetter(metric) ? "higher" : "lower");
    }

    /// <summary>
    /// The decision on two versions' numbers: rolled out when the challenger's <paramref name="metric"/> is at least the
    /// champion's plus <paramref name="margin"/> (a metric where higher is better) or at most the champion's minus it
    /// (lower is better); rejected otherwise, and when either version's metric could not be computed.
    /// </summary>
    public static (string Decision, string Reason) Decide(EvaluatedVersion champion, EvaluatedVersion challenger, string metric, double margin)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        var words = EvaluationMetrics.Words(metric);
        if (EvaluationMetrics.ValueOf(challenger, metric) is not { } challengerValue || EvaluationMetrics.ValueOf(champion, metric) is not { } championValue)
        {
            return metric == EvaluationMetrics.Auc
                ? (RetrainingDecisions.Rejected, $"AUC cannot be computed on the {challenger.Rows} hold-out rows (they hold one class only)")
                : (RetrainingDecisions.Rejected, $"{words} cannot be computed on the {challenger.Rows} hold-out rows");
        }

        var higher = EvaluationMetrics.HigherIsBetter(metric);
        var needed = higher ? championValue + margin : championValue - margin;
        var comparison = string.Create(CultureInfo.InvariantCulture,
            $"challenger {words} {challengerValue:0.0000} against champion {words} {championValue:0.0000} {(higher ? "+" : "-")} margin {margin:0.0000} = {needed:0.0000} on {challenger.Rows} hold-out rows");
        var wins = higher ? challengerValue >= needed : challengerValue <= needed;
        return wins
            ? (RetrainingDecisions.RolledOut, comparison + ": the challenger wins")
            : (RetrainingDecisions.Rejected, comparison + ": the champion stays");
    }

    /// <summary>A task's name as the card and the job write it: <c>binary</c>, <c>multiclass</c> or <c>regression</c>.</summary>
    public static string TaskName(ModelTask task) => JsonNamingPolicy.CamelCase.ConvertName(task.ToString());

    // The version's ONNX file on the table's rows, measured by its card's task.
    private static EvaluatedVersion Measure(ModelBundle bundle, FeatureTable table)
    {
        using var scorer = OnnxScorer.Load(bundle.Card, bundle.Onnx);
        var metrics = table.Describe(scorer).Metrics() ?? new TrainingMetrics();
        var version = bundle.Card.Version;
        return bundle.Card.Task switch
        {
            ModelTask.Binary when metrics.Holdout is { } binary =>
                new EvaluatedVersion(version, double.IsFinite(binary.Auc) ? binary.Auc : null, binary.Accuracy, binary.LogLoss, binary.Rows),
            ModelTask.Multiclass when metrics.Multiclass is { } multiclass =>
                new EvaluatedVersion(version, null, multiclass.Accuracy, multiclass.LogLoss, multiclass.Rows, MacroF1: multiclass.MacroF1),
            ModelTask.Regression when metrics.Regression is { } regression =>
                new EvaluatedVersion(version, null, null, null, regression.Rows, Rmse: regression.Rmse, Mae: regression.Mae, RSquared: regression.RSquared),
            _ => new EvaluatedVersion(version, null, null, null, table.Rows),
        };
    }
}
