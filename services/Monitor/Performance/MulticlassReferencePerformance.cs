namespace Monitor.Performance;

/// <summary>
/// Multiclass: the card's hold-out metrics, and the mean of the predicted label's probability on the reference rows
/// (<c>reference.output.confidence.mean</c>). An estimated accuracy is compared with the latter, the same estimate on the
/// reference, so a constant miscalibration of the model does not read as a drop; without it, with the measured accuracy.
/// </summary>
public sealed record MulticlassReferencePerformance(double? Accuracy, double? MacroF1, double? LogLoss, double? MeanConfidence) : IReferencePerformance
{
    /// <inheritdoc />
    public double? ValueOf(string metric) => metric switch
    {
        "accuracy" => Accuracy,
        "macro-f1" => MacroF1,
        "log-loss" => LogLoss,
        "estimated-accuracy" => MeanConfidence ?? Accuracy,
        _ => null,
    };
}
