using System.Globalization;
using Google.Protobuf;
using Modeling.Onnx.Protobuf;

namespace Modeling.Onnx;

/// <summary>
/// Writes a tree ensemble as an ONNX model that ONNX Runtime evaluates to the same outputs as the ensemble's own
/// definition (and so as ML.NET): a calibrated binary <see cref="TreeEnsembleModel"/> (score and probability, each
/// float [N, 1]), a <see cref="RegressionTreeEnsembleModel"/> (score float [N, 1]) or a one-versus-all
/// <see cref="MulticlassTreeEnsembleModel"/> with K classes (per-class score and normalized probability, each float
/// [N, K]).
/// </summary>
/// <remarks>
/// <para>The binary graph, for input <c>features</c> float [N, F]:</para>
/// <code>
/// features ─ Cast(double) ─ TreeEnsembleRegressor (ai.onnx.ml) ─────────────────────────→ score       float [N, 1]
/// score    ─ Cast(double) ─ Mul(-Slope) ─ Add(-Offset) ─ Sigmoid ─ Cast(float) ─→ probability float [N, 1]
/// </code>
/// <para>The regression graph is its first line; the multiclass graph (<see cref="MulticlassOnnxGraph"/>) has one
/// tree-ensemble target and one calibration per class, then normalizes the calibrated probabilities to sum to one.</para>
/// <para>Why double: ONNX Runtime's tree ensemble keeps thresholds, leaf weights and the running sum in the
/// precision of its input, so a double input gives ML.NET's arithmetic (float thresholds compared exactly,
/// leaf values and sum in double, one rounding to float at the end). The calibration also runs in double from
/// the float score, as ML.NET's <c>PlattCalibrator</c> does; <c>Sigmoid(-(Slope * s + Offset))</c> equals
/// <c>1 / (1 + exp(Slope * s + Offset))</c>.</para>
/// </remarks>
public static class TreeEnsembleOnnxExporter
{
    /// <summary>The ONNX IR version written (IR 8, ONNX 1.12 and later; ONNX Runtime 1.13 and later).</summary>
    public const long IrVersion = 8;

    /// <summary>The default (<c>ai.onnx</c>) operator set version imported.</summary>
    public const long OnnxOpsetVersion = 17;

    /// <summary>
    /// The <c>ai.onnx.ml</c> operator set version imported. Version 3 has <c>TreeEnsembleRegressor</c> with double
    /// attributes; version 5 deprecates that operator in favour of <c>TreeEnsemble</c>.
    /// </summary>
    public const long OnnxMlOpsetVersion = 3;

    /// <summary>The producer name written into every model.</summary>
    public const string ProducerName = "Microservices.Modeling";

    /// <summary>Metadata keys the exporter writes itself.</summary>
    public static IReadOnlyList<string> ReservedMetadataKeys { get; } =
        [OnnxMetadataKeys.ModelName, OnnxMetadataKeys.ModelVersion, OnnxMetadataKeys.FeatureCount, OnnxMetadataKeys.TreeCount];

    private const string ModelProblems = "The tree ensemble cannot be exported";

    /// <summary>Exports the binary model as ONNX bytes.</summary>
    /// <exception cref="ArgumentException">The model or the options are invalid; the message names every problem.</exception>
    public static byte[] Export(TreeEnsembleModel model, OnnxExportOptions options) =>
        BuildModel(model, options).ToByteArray();

    /// <summary>Exports the binary model as ONNX to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The model or the options are invalid; the message names every problem.</exception>
    public static void Export(TreeEnsembleModel model, OnnxExportOptions options, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        BuildModel(model, options).WriteTo(destination);
    }

    /// <summary>Exports the regression model as ONNX bytes; <see cref="OnnxExportOptions.ProbabilityOutputName"/> is not used.</summary>
    /// <exception cref="ArgumentException">The model or the options are invalid; the message names every problem.</exception>
    public static byte[] Export(RegressionTreeEnsembleModel model, OnnxExportOptions options) =>
        BuildModel(model, options).ToByteArray();

    /// <summary>Exports the regression model as ONNX to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The model or the options are invalid; the message names every problem.</exception>
    public static void Export(RegressionTreeEnsembleModel model, OnnxExportOptions options, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        BuildModel(model, options).WriteTo(destination);
    }

    /// <summary>Exports the multiclass model as ONNX bytes.</summary>
    /// <exception cref="ArgumentException">The model or the options are invalid; the message names every problem.</exception>
    public static byte[] Export(MulticlassTreeEnsembleModel model, OnnxExportOptions options) =>
        BuildModel(model, options).ToByteArray();

    /// <summary>Exports the multiclass model as ONNX to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The model or the options are invalid; the message names every problem.</exception>
    public static void Export(MulticlassTreeEnsembleModel model, OnnxExportOptions options, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        BuildModel(model, options).WriteTo(destination);
    }

    private static ModelProto BuildModel(TreeEnsembleModel model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(TreeEnsembleModelValidator.Validate(model), ModelProblems, nameof(model));
        ThrowIfInvalid(ValidateOptions(options, writesProbability: true, BinaryOnnxGraph.InternalValueNames), "The ONNX export options are invalid", nameof(options));
        return Envelope(BinaryOnnxGraph.Build(model, options), options, model.FeatureCount, model.Trees.Count);
    }

    private static ModelProto BuildModel(RegressionTreeEnsembleModel model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(TreeEnsembleModelValidator.Validate(model), ModelProblems, nameof(model));
        ThrowIfInvalid(ValidateOptions(options, writesProbability: false, RegressionOnnxGraph.InternalValueNames), "The ONNX export options are invalid", nameof(options));
        return Envelope(RegressionOnnxGraph.Build(model, options), options, model.FeatureCount, model.Trees.Count);
    }

    private static ModelProto BuildModel(MulticlassTreeEnsembleModel model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(TreeEnsembleModelValidator.Validate(model), ModelProblems, nameof(model));
        ThrowIfInvalid(ValidateOptions(options, writesProbability: true, MulticlassOnnxGraph.InternalValueNames), "The ONNX export options are invalid", nameof(options));
        return Envelope(MulticlassOnnxGraph.Build(model, options), options, model.FeatureCount, model.Classes.Sum(ensemble => ensemble.Trees.Count));
    }

    // The model around a graph: IR and operator set versions, producer, doc string, version and metadata.
    private static ModelProto Envelope(GraphProto graph, OnnxExportOptions options, int featureCount, int treeCount)
    {
        var onnxModel = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(TreeEnsembleOnnxExporter).Assembly.GetName().Version?.ToString() ?? "0.0.0.0",
            DocString = options.Description ?? graph.DocString,
            Graph = graph,
        };
        onnxModel.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxOpsetVersion });
        onnxModel.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxNodes.MlDomain, Version = OnnxMlOpsetVersion });
        if (long.TryParse(options.ModelVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var numericVersion))
            onnxModel.ModelVersion = numericVersion;

        AddMetadata(onnxModel, OnnxMetadataKeys.ModelName, options.ModelName);
        AddMetadata(onnxModel, OnnxMetadataKeys.ModelVersion, options.ModelVersion);
        AddMetadata(onnxModel, OnnxMetadataKeys.FeatureCount, featureCount.ToString(CultureInfo.InvariantCulture));
        AddMetadata(onnxModel, OnnxMetadataKeys.TreeCount, treeCount.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in options.Metadata.OrderBy(entry => entry.Key, StringComparer.Ordinal))
            AddMetadata(onnxModel, key, value);

        return onnxModel;
    }

    // The names the graph uses must be given, distinct, and not the name of a value inside the graph. A regression
    // graph has no probability output, so its ProbabilityOutputName is not looked at.
    private static List<string> ValidateOptions(OnnxExportOptions options, bool writesProbability, IReadOnlyList<string> internalValueNames)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelName))
            errors.Add("ModelName: is required");
        if (string.IsNullOrWhiteSpace(options.ModelVersion))
            errors.Add("ModelVersion: is required");

        List<(string Option, string? Value)> names =
        [
            (nameof(options.InputName), options.InputName),
            (nameof(options.ScoreOutputName), options.ScoreOutputName),
        ];
        if (writesProbability)
            names.Add((nameof(options.ProbabilityOutputName), options.ProbabilityOutputName));
        foreach (var (option, value) in names)
        {
            if (string.IsNullOrWhiteSpace(value))
                errors.Add($"{option}: is required");
            else if (internalValueNames.Contains(value, StringComparer.Ordinal))
                errors.Add($"{option}: '{value}' is the name of a value inside the graph; choose another");
        }

        var given = names.Where(name => !string.IsNullOrWhiteSpace(name.Value)).ToList();
        for (var i = 0; i < given.Count; i++)
        {
            for (var j = i + 1; j < given.Count; j++)
            {
                if (string.Equals(given[i].Value, given[j].Value, StringComparison.Ordinal))
                    errors.Add($"{given[j].Option}: '{given[j].Value}' is already the {given[i].Option}; ONNX value names must be distinct");
            }
        }

        if (options.Metadata is null)
        {
            errors.Add("Metadata: is required (use an empty dictionary for none)");
        }
        else
        {
            foreach (var key in options.Metadata.Keys)
            {
                if (string.IsNullOrWhiteSpace(key))
                    errors.Add("Metadata: keys must not be empty");
                else if (ReservedMetadataKeys.Contains(key, StringComparer.Ordinal))
                    errors.Add($"Metadata: key '{key}' is written by the exporter itself; use ModelName/ModelVersion or another key");
            }
        }

        return errors;
    }

    private static void ThrowIfInvalid(IReadOnlyList<string> errors, string summary, string parameterName)
    {
        if (errors.Count == 0)
            return;
        const int MaxListed = 20;
        var listed = string.Join("; ", errors.Take(MaxListed));
        var more = errors.Count > MaxListed ? $"; and {errors.Count - MaxListed} more" : "";
        throw new ArgumentException($"{summary}: {listed}{more}.", parameterName);
    }

    private static void AddMetadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
