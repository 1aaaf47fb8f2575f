namespace Modeling.Onnx;

/// <summary>Keys of the metadata entries (<c>metadata_props</c>) every model from <see cref="TreeEnsembleOnnxExporter"/> carries.</summary>
public static class OnnxMetadataKeys
{
    /// <summary>The model name (<see cref="OnnxExportOptions.ModelName"/>).</summary>
    public const string ModelName = "model_name";

    /// <summary>The model version (<see cref="OnnxExportOptions.ModelVersion"/>).</summary>
    public const string ModelVersion = "model_version";

    /// <summary>The number of input features.</summary>
    public const string FeatureCount = "feature_count";

    /// <summary>The number of trees in the ensemble (0 for a model without trees).</summary>
    public const string TreeCount = "tree_count";
}
