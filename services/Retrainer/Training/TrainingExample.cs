using Modeling.Features;

namespace Retrainer.Training;

/// <summary>
/// One example to train or judge a model on: a raw record, read as a request is read (the card's featurizer turns it into
/// tensor columns), and the observed outcome, which the card's label rule turns into the truth
/// (<see cref="Modeling.Cards.OutcomeLabels.TruthOf"/>: binary 1 or 0, multiclass the label's index, regression the number).
/// </summary>
/// <param name="Input">The raw record, e.g. a kept row's JSON input or a flight of the demo data.</param>
/// <param name="Outcome">What was observed: a number (a delay in minutes, a price) or a label's text.</param>
public readonly record struct TrainingExample(IRawRecord Input, RawValue Outcome);
