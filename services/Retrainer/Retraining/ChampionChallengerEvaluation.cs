using System.Globalization;
using System.Text.Json;
using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Scoring;
using Modeling.Statistics;

namespace Retrainer.Retraining;

/// <summary>
/// Scores the champion and the challenger, each with its own card (featurizer) and ONNX file, on the same hold-out
/// rows, and decides: the challenger wins only when its AUC is at least the champion's plus the margin. Rows either
/// version cannot featurize, or whose outcome the champion's label rule cannot read, are left out for both.
/// </summary>
public static class ChampionChallengerEvaluation
{
    /// <summary>The deciding metric.</summary>
    public const string Metric = "auc";

    /// <summary>Both versions on <paramref name="holdout"/>, and the decision with its reason.</summary>
    public static RetrainingEvaluation Evaluate(ModelBundle champion, ModelBundle challenger, IReadOnlyList<LabelledRow> holdout, double margin)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        ArgumentNullException.ThrowIfNull(holdout);
        var championFeaturizer = Featurizer.Create(champion.Card);
        var challengerFeaturizer = Featurizer.Create(challenger.Card);
        var championFeatures = new List<float>(holdout.Count * championFeaturizer.Width);
        var challengerFeatures = new List<float>(holdout.Count * challengerFeaturizer.Width);
        var championRow = new float[championFeaturizer.Width];
        var challengerRow = new float[challengerFeaturizer.Width];
        var labels = new List<bool>(holdout.Count);
        foreach (var row in holdout)
        {
            if (OutcomeLabels.IsPositive(champion.Card, row.ActualValue, row.ActualLabel) is not { } positive)
                continue;
            using var document = ParseOrNull(row.Input);
            if (document is null)
                continue;
            var record = new JsonRecord(document.RootElement);
            if (!championFeaturizer.Featurize(record, championRow).IsValid || !challengerFeaturizer.Featurize(record, challengerRow).IsValid)
                continue;
            championFeatures.AddRange(championRow);
            challengerFeatures.AddRange(challengerRow);
            labels.Add(positive);
        }

        if (labels.Count == 0)
            throw new InvalidOperationException($"none of the {holdout.Count} hold-out rows could be scored by both versions");
        var truth = labels.ToArray();
        var championNumbers = Score(champion, [.. championFeatures], truth);
        var challengerNumbers = Score(challenger, [.. challengerFeatures], truth);
        var (decision, reason) = Decide(championNumbers, challengerNumbers, margin);
        return new RetrainingEvaluation(Metric, championNumbers, challengerNumbers, margin, decision, reason);
    }

    /// <summary>The decision on two versions' numbers: rolled out when the challenger's AUC is at least the champion's plus <paramref name="margin"/>.</summary>
    public static (string Decision, string Reason) Decide(EvaluatedVersion champion, EvaluatedVersion challenger, double margin)
    {
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentNullException.ThrowIfNull(challenger);
        if (challenger.Auc is not { } challengerAuc || champion.Auc is not { } championAuc)
            return (RetrainingDecisions.Rejected, $"AUC cannot be computed on the {challenger.Rows} hold-out rows (they hold one class only)");
        var needed = championAuc + margin;
        var words = string.Create(CultureInfo.InvariantCulture,
            $"challenger AUC {challengerAuc:0.0000} against champion AUC {championAuc:0.0000} + margin {margin:0.0000} = {needed:0.0000} on {challenger.Rows} hold-out rows");
        return challengerAuc >= needed
            ? (RetrainingDecisions.RolledOut, words + ": the challenger wins")
            : (RetrainingDecisions.Rejected, words + ": the champion stays");
    }

    private static EvaluatedVersion Score(ModelBundle bundle, float[] features, bool[] labels)
    {
        using var scorer = OnnxScorer.Load(bundle.Card, bundle.Onnx);
        var probabilities = scorer.ScoreProbabilities(features);
        var metrics = BinaryMetrics.Compute(probabilities, labels, bundle.Card.Output.Threshold);
        return new EvaluatedVersion(bundle.Card.Version, double.IsFinite(metrics.Auc) ? metrics.Auc : null, metrics.Accuracy, metrics.LogLoss, metrics.Rows);
    }

    private static JsonDocument? ParseOrNull(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
