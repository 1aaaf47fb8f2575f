using System.Globalization;
using Google.Protobuf;
using Modeling.Onnx.Protobuf;

namespace Modeling.Onnx;

/// <summary>
/// Writes a <see cref="TreeEnsembleModel"/> as an ONNX model that ONNX Runtime evaluates to the same score and
/// probability as the ensemble's own definition (and so as ML.NET).
/// </summary>
/// <remarks>
/// <para>The graph, for input <c>features</c> float [N, F]:</para>
/// <code>
/// features ─ Cast(double) ─ TreeEnsembleRegressor (ai.onnx.ml) ─────────────────────────→ score       float [N, 1]
/// score    ─ Cast(double) ─ Mul(-Slope) ─ Add(-Offset) ─ Sigmoid ─ Cast(float) ─→ probability float [N, 1]
/// </code>
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

    private const string MlDomain = "ai.onnx.ml";

    // Names of the values inside the graph; the configurable input and output names must differ from them.
    private static readonly string[] InternalValueNames =
    [
        "features_as_double", "score_as_double", "negated_slope", "negated_scaled_score", "negated_offset",
        "calibrated_logit", "probability_as_double",
    ];

    /// <summary>Exports the model as ONNX bytes.</summary>
    /// <exception cref="ArgumentException">The model or the options are invalid; the message names every problem.</exception>
    public static byte[] Export(TreeEnsembleModel model, OnnxExportOptions options) =>
        BuildModel(model, options).ToByteArray();

    /// <summary>Exports the model as ONNX to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The model or the options are invalid; the message names every problem.</exception>
    public static void Export(TreeEnsembleModel model, OnnxExportOptions options, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        BuildModel(model, options).WriteTo(destination);
    }

    private static ModelProto BuildModel(TreeEnsembleModel model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(TreeEnsembleModelValidator.Validate(model), "The tree ensemble cannot be exported", nameof(model));
        ThrowIfInvalid(ValidateOptions(options), "The ONNX export options are invalid", nameof(options));

        var graph = new GraphProto
        {
            Name = options.ModelName,
            DocString = $"Calibrated binary tree ensemble: {model.Trees.Count} trees over {model.FeatureCount} features; "
                + $"{options.ScoreOutputName} = bias + sum of tree outputs, "
                + $"{options.ProbabilityOutputName} = 1 / (1 + exp(slope * {options.ScoreOutputName} + offset)).",
        };
        graph.Input.Add(FloatTensor(options.InputName, model.FeatureCount));
        graph.Output.Add(FloatTensor(options.ScoreOutputName, 1));
        graph.Output.Add(FloatTensor(options.ProbabilityOutputName, 1));

        graph.Node.Add(Cast(options.InputName, "features_as_double", TensorProto.Types.DataType.Double));
        graph.Node.Add(TreeEnsembleRegressor(model, "features_as_double", options.ScoreOutputName));
        graph.Node.Add(Cast(options.ScoreOutputName, "score_as_double", TensorProto.Types.DataType.Double));
        graph.Initializer.Add(DoubleScalar("negated_slope", -model.Calibration.Slope));
        graph.Node.Add(Node("Mul", "scale_score", ["score_as_double", "negated_slope"], "negated_scaled_score"));
        graph.Initializer.Add(DoubleScalar("negated_offset", -model.Calibration.Offset));
        graph.Node.Add(Node("Add", "offset_score", ["negated_scaled_score", "negated_offset"], "calibrated_logit"));
        graph.Node.Add(Node("Sigmoid", "calibrate", ["calibrated_logit"], "probability_as_double"));
        graph.Node.Add(Cast("probability_as_double", options.ProbabilityOutputName, TensorProto.Types.DataType.Float));

        var onnxModel = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(TreeEnsembleOnnxExporter).Assembly.GetName().Version?.ToString() ?? "0.0.0.0",
            DocString = options.Description ?? graph.DocString,
            Graph = graph,
        };
        onnxModel.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxOpsetVersion });
        onnxModel.OpsetImport.Add(new OperatorSetIdProto { Domain = MlDomain, Version = OnnxMlOpsetVersion });
        if (long.TryParse(options.ModelVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var numericVersion))
            onnxModel.ModelVersion = numericVersion;

        AddMetadata(onnxModel, OnnxMetadataKeys.ModelName, options.ModelName);
        AddMetadata(onnxModel, OnnxMetadataKeys.ModelVersion, options.ModelVersion);
        AddMetadata(onnxModel, OnnxMetadataKeys.FeatureCount, model.FeatureCount.ToString(CultureInfo.InvariantCulture));
        AddMetadata(onnxModel, OnnxMetadataKeys.TreeCount, model.Trees.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in options.Metadata.OrderBy(entry => entry.Key, StringComparer.Ordinal))
            AddMetadata(onnxModel, key, value);

        return onnxModel;
    }

    private static NodeProto TreeEnsembleRegressor(TreeEnsembleModel model, string input, string output)
    {
        var nodeTreeIds = new List<long>();
        var nodeIds = new List<long>();
        var nodeFeatureIds = new List<long>();
        var nodeModes = new List<ByteString>();
        var nodeValues = new List<double>();
        var nodeTrueIds = new List<long>();
        var nodeFalseIds = new List<long>();
        var targetTreeIds = new List<long>();
        var targetNodeIds = new List<long>();
        var targetWeights = new List<double>();

        var branch = ByteString.CopyFromUtf8("BRANCH_LEQ");
        var leafMode = ByteString.CopyFromUtf8("LEAF");

        // ONNX Runtime needs at least one node; a model without trees scores Bias, as a zero leaf does.
        IReadOnlyList<RegressionTreeModel> trees = model.Trees.Count > 0 ? model.Trees : [RegressionTreeModel.SingleLeaf(0.0)];

        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            // Node ids within a tree: internal node i keeps id i (the root is 0, as ONNX requires) and leaf j
            // gets id internalCount + j, so ids start at 0 and increase by 1.
            var internalCount = tree.SplitFeatures.Count;
            long Id(int child) => child >= 0 ? child : internalCount + (long)~child;

            for (var i = 0; i < internalCount; i++)
            {
                nodeTreeIds.Add(t);
                nodeIds.Add(i);
                nodeFeatureIds.Add(tree.SplitFeatures[i]);
                nodeModes.Add(branch);
                nodeValues.Add(tree.Thresholds[i]);
                nodeTrueIds.Add(Id(tree.LeftChild[i]));
                nodeFalseIds.Add(Id(tree.RightChild[i]));
            }

            for (var leaf = 0; leaf < tree.LeafValues.Count; leaf++)
            {
                var id = internalCount + (long)leaf;
                nodeTreeIds.Add(t);
                nodeIds.Add(id);
                nodeFeatureIds.Add(0);
                nodeModes.Add(leafMode);
                nodeValues.Add(0.0);
                nodeTrueIds.Add(0);
                nodeFalseIds.Add(0);

                targetTreeIds.Add(t);
                targetNodeIds.Add(id);
                targetWeights.Add(tree.Weight * tree.LeafValues[leaf]);
            }
        }

        var node = Node("TreeEnsembleRegressor", "tree_ensemble", [input], output, MlDomain);
        node.Attribute.Add(Ints("nodes_treeids", nodeTreeIds));
        node.Attribute.Add(Ints("nodes_nodeids", nodeIds));
        node.Attribute.Add(Ints("nodes_featureids", nodeFeatureIds));
        node.Attribute.Add(Strings("nodes_modes", nodeModes));
        node.Attribute.Add(DoubleTensor("nodes_values_as_tensor", nodeValues));
        node.Attribute.Add(Ints("nodes_truenodeids", nodeTrueIds));
        node.Attribute.Add(Ints("nodes_falsenodeids", nodeFalseIds));
        node.Attribute.Add(Ints("target_treeids", targetTreeIds));
        node.Attribute.Add(Ints("target_nodeids", targetNodeIds));
        node.Attribute.Add(Ints("target_ids", new long[targetNodeIds.Count]));
        node.Attribute.Add(DoubleTensor("target_weights_as_tensor", targetWeights));
        node.Attribute.Add(DoubleTensor("base_values_as_tensor", [model.Bias]));
        node.Attribute.Add(Int("n_targets", 1));
        node.Attribute.Add(String("aggregate_function", "SUM"));
        node.Attribute.Add(String("post_transform", "NONE"));
        return node;
    }

    private static List<string> ValidateOptions(OnnxExportOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelName))
            errors.Add("ModelName: is required");
        if (string.IsNullOrWhiteSpace(options.ModelVersion))
            errors.Add("ModelVersion: is required");

        (string Option, string? Value)[] names =
        [
            (nameof(options.InputName), options.InputName),
            (nameof(options.ScoreOutputName), options.ScoreOutputName),
            (nameof(options.ProbabilityOutputName), options.ProbabilityOutputName),
        ];
        foreach (var (option, value) in names)
        {
            if (string.IsNullOrWhiteSpace(value))
                errors.Add($"{option}: is required");
            else if (InternalValueNames.Contains(value, StringComparer.Ordinal))
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

    private static ValueInfoProto FloatTensor(string name, long columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    private static NodeProto Node(string opType, string name, string[] inputs, string output, string domain = "")
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static NodeProto Cast(string input, string output, TensorProto.Types.DataType to)
    {
        var node = Node("Cast", $"cast_to_{output}", [input], output);
        node.Attribute.Add(Int("to", (long)to));
        return node;
    }

    private static TensorProto DoubleScalar(string name, double value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Double };
        tensor.DoubleData.Add(value);
        return tensor;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto Strings(string name, IEnumerable<ByteString> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values);
        return attribute;
    }

    private static AttributeProto DoubleTensor(string name, List<double> values)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Double };
        tensor.Dims.Add(values.Count);
        tensor.DoubleData.AddRange(values);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = tensor };
    }
}
