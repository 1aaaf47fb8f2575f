namespace Monitor.References;

/// <summary>What a model said about one record, as the prediction events carry it.</summary>
/// <param name="Label">Classification: the predicted label.</param>
/// <param name="Probability">Binary: the positive class's probability; multiclass: the predicted label's.</param>
/// <param name="Value">Regression: the predicted value (binary: the raw score, unused here).</param>
public readonly record struct PredictionOutput(string? Label, float? Probability, float? Value);
