using Modeling.Features;

namespace FeatureBuilder.Online;

/// <summary>The answer to one posted record.</summary>
/// <param name="PredictionId">Unique id; send it with the ground truth later.</param>
/// <param name="Model">The model.</param>
/// <param name="Version">The version that predicted.</param>
/// <param name="Label">The predicted label (classification).</param>
/// <param name="Probability">Binary: the positive label's probability; multiclass: the predicted label's.</param>
/// <param name="Value">Regression: the value; binary: the raw score when the model has one.</param>
/// <param name="EntityKey">The record's entity key, when it had one.</param>
/// <param name="Probabilities">Multiclass: every label's probability, by label in the card's order; null (left out) for the other tasks.</param>
public sealed record PredictionResult(
    Guid PredictionId, string Model, string Version, string? Label, float? Probability, float? Value, string? EntityKey, IReadOnlyDictionary<string, float>? Probabilities = null)
{
    /// <summary>
    /// <paramref name="probabilities"/> (a multiclass prediction's, in the order of <paramref name="labels"/>) by label;
    /// null when there are none or they do not match the labels.
    /// </summary>
    public static IReadOnlyDictionary<string, float>? ByLabel(IReadOnlyList<float>? probabilities, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (probabilities is null || probabilities.Count != labels.Count)
            return null;
        var byLabel = new Dictionary<string, float>(labels.Count, StringComparer.Ordinal);
        for (var index = 0; index < labels.Count; index++)
            byLabel[labels[index]] = probabilities[index];
        return byLabel;
    }
}

/// <summary>The answer to an array of records: one result per record, in the same order.</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The champion: the version that predicted unless a record's own <c>version</c> says otherwise (a rollout).</param>
/// <param name="Predicted">How many records got a prediction.</param>
/// <param name="Invalid">How many records were invalid (their results carry the errors).</param>
/// <param name="Results">One per posted record.</param>
public sealed record PredictionsResult(string Model, string Version, int Predicted, int Invalid, IReadOnlyList<RecordResult> Results);

/// <summary>The result of one record of an array: a prediction, or the reasons it was refused.</summary>
/// <param name="Index">The record's position in the posted array (from 0).</param>
/// <param name="PredictionId">The prediction's id, when valid.</param>
/// <param name="Label">The predicted label.</param>
/// <param name="Probability">The probability (as in <see cref="PredictionResult"/>).</param>
/// <param name="Value">The value (as in <see cref="PredictionResult"/>).</param>
/// <param name="EntityKey">The record's entity key.</param>
/// <param name="Errors">Why the record is invalid (then nothing was predicted for it).</param>
/// <param name="Version">The version that predicted this record (a rollout may route records of one request to different versions).</param>
/// <param name="Probabilities">Multiclass: every label's probability (as in <see cref="PredictionResult"/>).</param>
public sealed record RecordResult(
    int Index, Guid? PredictionId, string? Label, float? Probability, float? Value, string? EntityKey, IReadOnlyList<FieldError>? Errors, string? Version = null,
    IReadOnlyDictionary<string, float>? Probabilities = null);
