using System.Globalization;
using Modeling.Features;

namespace Modeling.Cards;

/// <summary>How an observed outcome (a number, or a label) becomes the truth a model's predictions are judged by.</summary>
public static class OutcomeLabels
{
    /// <summary>
    /// The truth a raw label value stands for, by the card's task: binary 1 (positive) or 0 (<see cref="IsPositive"/>),
    /// multiclass the index of the card's label it names (ignoring case; a number names the label it is written as),
    /// regression the number. Null when the value is missing or cannot be read.
    /// </summary>
    public static double? TruthOf(ModelCard card, RawValue value)
    {
        ArgumentNullException.ThrowIfNull(card);
        double? number = value.Kind == RawValueKind.Number ? value.Number
            : value.Kind == RawValueKind.Text && double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : null;
        var text = value.Kind == RawValueKind.Number ? value.Number.ToString(CultureInfo.InvariantCulture) : value.Text?.Trim();
        switch (card.Task)
        {
            case ModelTask.Binary:
                return IsPositive(card, number, text) is { } positive ? (positive ? 1 : 0) : null;
            case ModelTask.Multiclass:
                var labels = card.Output.Labels;
                for (var index = 0; index < labels.Count; index++)
                {
                    if (string.Equals(labels[index], text, StringComparison.OrdinalIgnoreCase))
                        return index;
                }

                return null;
            default:
                return number is { } finite && double.IsFinite(finite) ? finite : null;
        }
    }

    /// <summary>
    /// Whether the outcome is the positive class of <paramref name="card"/>: a number compares with the card's
    /// <c>label.positiveWhenGreaterThan</c> (at least 0.5 without one); a label is one of the card's two labels, or
    /// <c>true</c>/<c>false</c>. Null when it cannot be told.
    /// </summary>
    public static bool? IsPositive(ModelCard card, double? value, string? label)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (value is { } number && double.IsFinite(number))
            return card.Label?.PositiveWhenGreaterThan is { } limit ? number > limit : number >= 0.5;
        if (label is null)
            return null;
        var labels = card.Output.Labels;
        if (labels.Count == 2 && string.Equals(label, labels[1], StringComparison.OrdinalIgnoreCase))
            return true;
        if (labels.Count == 2 && string.Equals(label, labels[0], StringComparison.OrdinalIgnoreCase))
            return false;
        return bool.TryParse(label, out var truth) ? truth : null;
    }
}
