using Modeling.Features;

namespace Replay.Records;

/// <summary>
/// One record the replay plays: its prediction request at <see cref="Time"/> (less the lead) with the fields the
/// model reads, and its outcome (the label field's value) at <see cref="OutcomeTime"/> (plus the outcome lag). It is
/// also a raw record, so a baseline model can featurize it as the platform featurizes the request.
/// </summary>
/// <param name="Time">The record's own time (a flight's scheduled departure, a day's date): when it is asked about.</param>
/// <param name="EntityKey">The key the platform joins its prediction and outcome by; unique and the same in every run.</param>
/// <param name="Fields">The request's record: the fields the model reads, in the order they are written.</param>
/// <param name="Outcome">What is observed afterwards: a number (a delay in minutes) or a label's text; missing: no outcome is sent.</param>
/// <param name="OutcomeTime">When the outcome becomes known, at or after <see cref="Time"/>.</param>
public sealed record ReplayRecord(
    DateTime Time,
    string EntityKey,
    IReadOnlyList<KeyValuePair<string, RawValue>> Fields,
    RawValue Outcome,
    DateTime OutcomeTime) : IRawRecord
{
    /// <summary>The request field named <paramref name="field"/> (matched exactly, then ignoring case), or missing.</summary>
    public RawValue ValueOf(string field)
    {
        foreach (var (name, value) in Fields)
        {
            if (string.Equals(name, field, StringComparison.Ordinal))
                return value;
        }

        foreach (var (name, value) in Fields)
        {
            if (string.Equals(name, field, StringComparison.OrdinalIgnoreCase))
                return value;
        }

        return RawValue.Missing;
    }
}
