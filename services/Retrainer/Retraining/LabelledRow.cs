using System.Text.Json;
using Modeling.Features;
using Retrainer.Training;

namespace Retrainer.Retraining;

/// <summary>
/// One labelled training row the Retrainer kept from an <c>OutcomeRecorded</c> event: the prediction's raw input and
/// what was observed. Kept once per model and outcome, even when the champion and a shadow were both joined to it.
/// </summary>
/// <param name="ModelName">The model.</param>
/// <param name="OutcomeId">The outcome (FeedbackCollector's id); with the model, the row's identity.</param>
/// <param name="ModelVersion">The version whose prediction the outcome was first joined to.</param>
/// <param name="ObservedAt">When the outcome happened: the recent window and the hold-out are measured on it.</param>
/// <param name="Input">The raw record as JSON, e.g. <c>{"date":"2001-02-03T07:45:00","distance":1744,"origin":"ORD","destination":"LAX"}</c>.</param>
/// <param name="ActualValue">The observed number (the flight's delay in minutes), when it was one.</param>
/// <param name="ActualLabel">The observed label, when it was text.</param>
/// <param name="ReportedBy">
/// The outcome's source, who reported it (<c>OutcomeRecorded.ReportedBy</c>): <c>key:&lt;key id&gt;</c> (or <c>token:&lt;subject&gt;</c>)
/// or <c>anonymous</c> over HTTP, <c>broker:&lt;user&gt;</c> from a trusted broker user; null when not known (an outcome
/// recorded before sources were kept).
/// </param>
public sealed record LabelledRow(
    string ModelName,
    Guid OutcomeId,
    string ModelVersion,
    DateTimeOffset ObservedAt,
    string Input,
    double? ActualValue,
    string? ActualLabel,
    string? ReportedBy = null)
{
    /// <summary>
    /// The row as a training example: its input as a raw record (read as the featurizer reads a request) and what was
    /// observed as the outcome (the number when there is one, else the label); null when the input is not JSON.
    /// </summary>
    public TrainingExample? Example()
    {
        JsonElement input;
        try
        {
            input = JsonSerializer.Deserialize<JsonElement>(Input);
        }
        catch (JsonException)
        {
            return null;
        }

        return new TrainingExample(new JsonRecord(input), ActualValue is { } value ? RawValue.Of(value) : RawValue.Of(ActualLabel));
    }
}
