namespace Monitor.Performance;

/// <summary>Binary: the card's training hold-out metrics.</summary>
public sealed record ReferencePerformance(double Auc, double Accuracy, double LogLoss, double Brier) : IReferencePerformance
{
    /// <inheritdoc />
    public double? ValueOf(string metric) => metric switch
    {
        "auc" or "estimated-auc" => Auc,
        "accuracy" or "estimated-accuracy" => Accuracy,
        "log-loss" => LogLoss,
        "brier" => Brier,
        _ => null,
    };
}
