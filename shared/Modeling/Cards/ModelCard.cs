using System.Text.Json.Serialization;

namespace Modeling.Cards;

/// <summary>
/// Everything a service needs to know about one model version besides its ONNX file: what it predicts,
/// which raw fields it takes and how they become tensor columns, how to read its output, the statistics
/// of its training data (the reference for drift), how well it did, and where it came from.
/// Read and validate cards with <see cref="ModelCardReader"/>; see docs/model-card.md.
/// </summary>
/// <remarks>
/// Properties default to empty values rather than being C# <c>required</c>, so that a card with missing
/// parts still deserializes and <see cref="ModelCardValidator"/> can name every missing part at once.
/// </remarks>
public sealed record ModelCard
{
    /// <summary>The card format version; this library reads version 1.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>URL-safe model name, e.g. <c>flight-delay</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>Version of this model, unique within the name, e.g. <c>1</c>.</summary>
    public string Version { get; init; } = "";

    /// <summary>What the model predicts, for people.</summary>
    public string? Description { get; init; }

    /// <summary>The kind of prediction.</summary>
    public ModelTask Task { get; init; }

    /// <summary>The raw fields a record must carry and how each becomes tensor columns, in column order.</summary>
    public IReadOnlyList<FeatureSpec> Features { get; init; } = [];

    /// <summary>The ONNX input that receives the feature tensor.</summary>
    public ModelInput Input { get; init; } = new();

    /// <summary>How to read the ONNX outputs.</summary>
    public ModelOutput Output { get; init; } = new();

    /// <summary>How ground truth becomes the training label; absent for models registered without it.</summary>
    public LabelSpec? Label { get; init; }

    /// <summary>Statistics of every tensor column and of the output on the training data.</summary>
    public ReferenceStatistics? Reference { get; init; }

    /// <summary>Quality measured at training time.</summary>
    public TrainingMetrics? Metrics { get; init; }

    /// <summary>Where the model came from.</summary>
    public Lineage? Lineage { get; init; }

    /// <summary>How the model is monitored; absent: the defaults (see <see cref="MonitoringSpec"/>).</summary>
    public MonitoringSpec? Monitoring { get; init; }

    /// <summary>The ONNX file of this version.</summary>
    public ModelArtifact Artifact { get; init; } = new();
}

/// <summary>The kind of prediction a model makes.</summary>
public enum ModelTask
{
    /// <summary>No task given; refused by validation.</summary>
    Unspecified,

    /// <summary>Two classes; the model outputs the probability of the positive one.</summary>
    Binary,

    /// <summary>More than two classes; the model outputs one probability per label.</summary>
    Multiclass,

    /// <summary>A number.</summary>
    Regression,
}

/// <summary>The ONNX input that receives the feature tensor, float [N, Columns.Count].</summary>
public sealed record ModelInput
{
    /// <summary>ONNX input name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Tensor column names in order; must equal the columns the features produce.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];
}

/// <summary>How to read the ONNX outputs.</summary>
public sealed record ModelOutput
{
    /// <summary>ONNX output with the positive-class probability (binary) or per-label probabilities (multiclass).</summary>
    public string? Probability { get; init; }

    /// <summary>ONNX output with the raw score (binary, before calibration) or the value (regression).</summary>
    public string? Score { get; init; }

    /// <summary>Class labels: for binary, [negative, positive]; for multiclass, one per probability column.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Binary only: the probability at or above which the positive label is predicted.</summary>
    public double Threshold { get; init; } = 0.5;
}

/// <summary>How a ground-truth value becomes the label the model was trained on.</summary>
public sealed record LabelSpec
{
    /// <summary>The raw field holding the ground truth, e.g. <c>delay</c>.</summary>
    public string Field { get; init; } = "";

    /// <summary>Binary only: the outcome is positive when the value is greater than this, e.g. 15 minutes.</summary>
    public double? PositiveWhenGreaterThan { get; init; }
}

/// <summary>How a model is monitored.</summary>
public sealed record MonitoringSpec
{
    /// <summary>
    /// The categorical features live performance is broken down by (segments), by feature name. Absent: every
    /// categorical feature with at most 50 categories. Empty: no segments.
    /// </summary>
    public IReadOnlyList<string>? SegmentBy { get; init; }
}

/// <summary>The ONNX file of a model version.</summary>
public sealed record ModelArtifact
{
    /// <summary>File name relative to the card, e.g. <c>model.onnx</c>.</summary>
    public string File { get; init; } = "model.onnx";

    /// <summary>Lower-case hex SHA-256 of the file, checked when the bundle is loaded.</summary>
    public string? Sha256 { get; init; }
}
