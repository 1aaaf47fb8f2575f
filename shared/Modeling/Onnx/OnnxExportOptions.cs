namespace Modeling.Onnx;

/// <summary>
/// What to call things in an exported ONNX model, and the identity written into it so the file can be checked
/// against its model card.
/// </summary>
public sealed record OnnxExportOptions
{
    /// <summary>The model name (the card's <c>name</c>); written as the graph name and as metadata <c>model_name</c>.</summary>
    public required string ModelName { get; init; }

    /// <summary>
    /// The model version (the card's <c>version</c>); written as metadata <c>model_version</c>, and also as the
    /// ONNX <c>model_version</c> number when it is a whole number.
    /// </summary>
    public required string ModelVersion { get; init; }

    /// <summary>The model's doc string; a generated summary of the ensemble when absent.</summary>
    public string? Description { get; init; }

    /// <summary>Name of the float [N, FeatureCount] input (the card's <c>input.name</c>).</summary>
    public string InputName { get; init; } = "features";

    /// <summary>
    /// Name of the raw score output (the card's <c>output.score</c>): float [N, 1] for a binary or regression model
    /// (for regression, the prediction), float [N, K] for a multiclass model (one column per class).
    /// </summary>
    public string ScoreOutputName { get; init; } = "score";

    /// <summary>
    /// Name of the probability output (the card's <c>output.probability</c>): float [N, 1], the positive class's, for a
    /// binary model; float [N, K], one column per class in the order of the card's <c>output.labels</c>, for a
    /// multiclass model. A regression model has no probability output and does not use this name.
    /// </summary>
    public string ProbabilityOutputName { get; init; } = "probability";

    /// <summary>
    /// More metadata entries (for example the training run id). Keys must not repeat the ones the exporter
    /// writes itself: <c>model_name</c>, <c>model_version</c>, <c>feature_count</c>, <c>tree_count</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
