using Modeling.Bundles;

namespace Retrainer.Training;

/// <summary>A training's result: the bundle to register, the ML.NET model it was exported from, and the rows it saw.</summary>
/// <param name="Bundle">The ONNX file and its card.</param>
/// <param name="Model">The ML.NET model, which the ONNX file must score as.</param>
/// <param name="Training">The training rows, as the card featurized them.</param>
/// <param name="Holdout">The held-out rows the card's metrics were measured on.</param>
public sealed record TrainedModel(ModelBundle Bundle, FastTreeModel Model, FeatureTable Training, FeatureTable Holdout)
{
    /// <summary>ML.NET's own outputs for a feature table (<see cref="FastTreeModel.PredictWithMlNet"/>): the reference the ONNX export is checked against.</summary>
    public float[] PredictWithMlNet(FeatureTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Model.PredictWithMlNet(table.Features);
    }
}
