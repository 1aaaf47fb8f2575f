using Modeling.Cards;
using Modeling.Flights;

namespace Replay.Flights;

/// <summary>
/// What the replay needs to know of the first demo's model when no <c>--card</c> is given: a binary model whose
/// positive label is "late", a flight being late when its delay is more than 15 minutes (the bootstrap card's label
/// rule). The platform's own card of <c>flight-delay</c> says the same; the tool does not ask the platform for it.
/// </summary>
public static class FlightDelayCard
{
    /// <summary>The label rule and task of <c>flight-delay</c>.</summary>
    public static ModelCard Card { get; } = new()
    {
        Name = "flight-delay",
        Version = "replay",
        Task = ModelTask.Binary,
        Output = new ModelOutput { Probability = "probability", Labels = ["on-time", "late"] },
        Label = new LabelSpec { Field = "delay", PositiveWhenGreaterThan = FlightRecord.LateAfterMinutes },
    };
}
