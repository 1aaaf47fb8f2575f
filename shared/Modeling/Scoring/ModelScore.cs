namespace Modeling.Scoring;

/// <summary>What a model says about one record.</summary>
/// <param name="LabelIndex">Classification: the index of the predicted label in the card's labels; regression: -1.</param>
/// <param name="Probability">Binary: the positive class's probability; multiclass: the predicted label's; regression: NaN.</param>
/// <param name="Value">Regression: the predicted value; binary: the raw score when the card names a score output; else NaN.</param>
public readonly record struct ModelScore(int LabelIndex, float Probability, float Value);
