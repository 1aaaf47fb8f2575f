using System.Globalization;
using Modeling.Cards;

namespace Retrainer.Retraining;

/// <summary>The hyperparameters a champion was trained with, read from its card's <c>lineage.hyperparameters</c>.</summary>
public static class ChampionHyperparameters
{
    /// <summary>The positive whole number the champion's lineage gives <paramref name="name"/>, or null when it gives none.</summary>
    public static int? PositiveInteger(ModelCard champion, string name)
    {
        ArgumentNullException.ThrowIfNull(champion);
        return champion.Lineage?.Hyperparameters?.GetValueOrDefault(name) is { } text
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : null;
    }
}
