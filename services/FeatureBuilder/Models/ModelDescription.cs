using Modeling.Cards;

namespace FeatureBuilder.Models;

/// <summary>What a client needs to call a served model: its version, task, labels and the fields of a record.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The served version.</param>
/// <param name="Task">binary, multiclass or regression.</param>
/// <param name="Description">What the model predicts.</param>
/// <param name="Labels">Classification labels (binary: negative, positive).</param>
/// <param name="Threshold">Binary: the probability at or above which the positive label is predicted.</param>
/// <param name="Fields">The raw fields a record carries.</param>
/// <param name="EntityKeyField">The optional record field with the caller's key of the thing predicted.</param>
/// <param name="PredictPath">Where to post records.</param>
public sealed record ModelDescription(
    string Name,
    string Version,
    ModelTask Task,
    string? Description,
    IReadOnlyList<string> Labels,
    double? Threshold,
    IReadOnlyList<FieldDescription> Fields,
    string EntityKeyField,
    string PredictPath)
{
    // Listing every airport would swamp the description; past this many, clients get the count.
    private const int CategoriesListed = 500;

    /// <summary>The description of a served card.</summary>
    public static ModelDescription Of(ModelCard card, string entityKeyField)
    {
        ArgumentNullException.ThrowIfNull(card);
        return new ModelDescription(
            card.Name,
            card.Version,
            card.Task,
            card.Description,
            card.Output.Labels,
            card.Task == ModelTask.Binary ? card.Output.Threshold : null,
            [.. card.Features.Select(FieldOf)],
            entityKeyField,
            $"/api/v1/models/{card.Name}/predict");
    }

    private static FieldDescription FieldOf(FeatureSpec feature) => feature switch
    {
        NumericFeature numeric => new FieldDescription(
            numeric.Name, "numeric", numeric.WhenMissing == MissingPolicy.Error, numeric.Description,
            numeric.Min, numeric.Max, numeric.WhenOutOfRange == OutOfRangePolicy.Clip ? "clip" : "error", null, null, null, null),
        CategoricalFeature categorical => new FieldDescription(
            categorical.Name, "categorical", categorical.WhenMissing == MissingPolicy.Error, categorical.Description,
            null, null, null,
            categorical.Vocabulary is { Count: <= CategoriesListed } vocabulary ? vocabulary : null,
            categorical.Vocabulary?.Count,
            categorical.WhenUnknown == UnknownCategoryPolicy.Bucket,
            null),
        TimestampFeature timestamp => new FieldDescription(
            timestamp.Name, "timestamp", true, timestamp.Description,
            null, null, null, null, null, null, [.. timestamp.Parts.Select(part => part.ToString())]),
        _ => new FieldDescription(feature.Name, "unknown", true, feature.Description, null, null, null, null, null, null, null),
    };
}

/// <summary>One raw field of a record.</summary>
/// <param name="Name">The JSON property name (matched exactly first, then ignoring case).</param>
/// <param name="Kind">numeric (a JSON number), categorical (text) or timestamp (ISO 8601 text).</param>
/// <param name="Required">Whether a record without it is invalid.</param>
/// <param name="Description">What the field means.</param>
/// <param name="Min">Numeric: the smallest valid value.</param>
/// <param name="Max">Numeric: the largest valid value.</param>
/// <param name="OutOfRange">Numeric: <c>error</c> (refused) or <c>clip</c> (moved to the bound).</param>
/// <param name="Categories">Categorical: the known values (when there are not too many to list).</param>
/// <param name="CategoryCount">Categorical: how many values are known.</param>
/// <param name="AcceptsUnknownCategories">Categorical: whether other values are accepted (as "unknown").</param>
/// <param name="TimestampParts">Timestamp: which parts the model uses.</param>
public sealed record FieldDescription(
    string Name,
    string Kind,
    bool Required,
    string? Description,
    double? Min,
    double? Max,
    string? OutOfRange,
    IReadOnlyList<string>? Categories,
    int? CategoryCount,
    bool? AcceptsUnknownCategories,
    IReadOnlyList<string>? TimestampParts);
