using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Modeling.Bundles;

namespace Retrainer.Training;

/// <summary>A training's result: the bundle to register, and the ML.NET model it was exported from.</summary>
/// <param name="Bundle">The ONNX file and its card.</param>
/// <param name="Ml">The ML.NET context the model was trained in.</param>
/// <param name="Transformer">The ML.NET model.</param>
/// <param name="Holdout">The held-out rows of the training window.</param>
public sealed record TrainedModel(
    ModelBundle Bundle,
    MLContext Ml,
    BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> Transformer,
    FlightFeatureTable Holdout)
{
    /// <summary>ML.NET's own probabilities for a feature table: the reference the ONNX export is checked against.</summary>
    public float[] PredictWithMlNet(FlightFeatureTable table)
    {
        var scored = Transformer.Transform(FlightDelayTrainer.ToDataView(Ml, table));
        return [.. scored.GetColumn<float>("Probability")];
    }
}
