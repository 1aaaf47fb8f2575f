namespace Monitor.References;

/// <summary>
/// An outcome as Monitor counts it: what the model predicted and the truth, read by the card
/// (<see cref="ReferenceProfile.Observe"/>).
/// </summary>
/// <param name="Predicted">The prediction's output.</param>
/// <param name="PredictedClass">Multiclass: the predicted label's index in the card's labels; -1 for the other tasks.</param>
/// <param name="TruthProbability">Multiclass: the probability the model gave the true label, when the prediction carried every label's.</param>
/// <param name="Truth">Binary 1 or 0, multiclass the true label's index, regression the true value.</param>
public readonly record struct ObservedOutcome(PredictionOutput Predicted, int PredictedClass, float? TruthProbability, double Truth);
