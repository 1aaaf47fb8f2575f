using Modeling.Cards;

namespace Monitor.References;

/// <summary>
/// What a version's reference statistics were computed on, as the report names it: the trainer's own rows
/// (<c>training</c>), a file sent with the version (<c>dataset</c>), or the version's first live predictions (<c>live</c>).
/// </summary>
public static class ReferenceKind
{
    /// <summary>The trainer's own rows (also a card without <c>reference.source</c>, written before it was recorded).</summary>
    public const string Training = "training";

    /// <summary>A file of records sent to the registry with the version.</summary>
    public const string Dataset = "dataset";

    /// <summary>The version's first live predictions (Monitor's own, when the card has no reference).</summary>
    public const string Live = "live";

    /// <summary>The kind of <paramref name="reference"/>: its <c>source</c>, <c>training</c> when absent.</summary>
    public static string Of(ReferenceStatistics reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return string.IsNullOrWhiteSpace(reference.Source) ? Training : reference.Source;
    }

    /// <summary>Whether a card's reference has anything to compare with: a column or the output.</summary>
    public static bool HasStatistics(ReferenceStatistics? reference) =>
        reference is not null && (reference.Columns.Count > 0 || reference.Output is not null);
}
