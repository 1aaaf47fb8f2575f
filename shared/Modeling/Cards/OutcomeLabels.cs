namespace Modeling.Cards;

/// <summary>How an observed outcome (a number, or a label) becomes the binary truth a model's predictions are judged by.</summary>
public static class OutcomeLabels
{
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
