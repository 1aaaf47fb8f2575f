using Modeling.Cards;

namespace Monitor.References;

/// <summary>
/// A categorical feature live performance is broken down by: where its tensor columns are (one index column, or
/// one column per category when one-hot encoded) and how a row names its category.
/// </summary>
public sealed class SegmentColumn
{
    /// <summary>A feature with more categories than this is not a segment by default (the card's <c>monitoring.segmentBy</c> absent).</summary>
    public const int MaxDefaultCategories = 50;

    private readonly CategoricalFeature _feature;

    private SegmentColumn(CategoricalFeature feature, int firstColumn)
    {
        _feature = feature;
        FirstColumn = firstColumn;
    }

    /// <summary>The feature's name.</summary>
    public string Feature => _feature.Name;

    /// <summary>The feature's first tensor column.</summary>
    public int FirstColumn { get; }

    /// <summary>
    /// The category of the row <paramref name="features"/>, by name (vocabulary value, <c>&lt;unknown&gt;</c> or <c>#bucket</c>):
    /// the index column's value, or the one-hot column that is set. Null when the row is too short or no column is set.
    /// </summary>
    public string? CategoryOf(ReadOnlySpan<float> features)
    {
        if (_feature.Encoding == CategoricalEncoding.Index)
            return FirstColumn < features.Length ? _feature.CategoryName((int)features[FirstColumn]) : null;
        var categories = _feature.Cardinality();
        if (FirstColumn + categories > features.Length)
            return null;
        for (var category = 0; category < categories; category++)
        {
            if (features[FirstColumn + category] >= 0.5f)
                return _feature.CategoryName(category);
        }

        return null;
    }

    /// <summary>
    /// The segments of <paramref name="card"/>: the features its <c>monitoring.segmentBy</c> names; without it, every
    /// categorical feature with at most <see cref="MaxDefaultCategories"/> categories (vocabulary and unknown bucket, or hash
    /// buckets); an empty list, none. In feature order.
    /// </summary>
    public static IReadOnlyList<SegmentColumn> Of(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var named = card.Monitoring?.SegmentBy;
        var segments = new List<SegmentColumn>();
        var column = 0;
        foreach (var feature in card.Features)
        {
            if (feature is CategoricalFeature categorical
                && (named is null ? categorical.Cardinality() <= MaxDefaultCategories : named.Contains(feature.Name, StringComparer.Ordinal)))
            {
                segments.Add(new SegmentColumn(categorical, column));
            }

            column += feature.Columns().Count;
        }

        return segments;
    }
}
