using Modeling.Cards;

namespace Modeling.Features;

/// <summary>
/// The one implementation that turns raw records into model input, used by training and serving alike.
/// Built once per model card; thread-safe; never throws for bad input: invalid fields come back as
/// <see cref="FieldError"/>s, all of them, not just the first.
/// </summary>
public sealed class Featurizer
{
    private readonly FeatureEncoder[] _encoders;

    private Featurizer(FeatureEncoder[] encoders, IReadOnlyList<string> columns)
    {
        _encoders = encoders;
        Columns = columns;
        Width = columns.Count;
    }

    /// <summary>The tensor column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The number of tensor columns (floats per record).</summary>
    public int Width { get; }

    /// <summary>Builds the featurizer of a valid card's features.</summary>
    public static Featurizer Create(IReadOnlyList<FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var encoders = features.Select<FeatureSpec, FeatureEncoder>(feature => feature switch
        {
            NumericFeature numeric => new NumericEncoder(numeric),
            CategoricalFeature categorical => new CategoricalEncoder(categorical),
            TimestampFeature timestamp => new TimestampEncoder(timestamp),
            _ => throw new ArgumentException($"unsupported feature kind {feature?.GetType().Name}", nameof(features)),
        }).ToArray();
        return new Featurizer(encoders, [.. features.SelectMany(feature => feature.Columns())]);
    }

    /// <summary>Builds the featurizer of a valid card.</summary>
    public static Featurizer Create(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return Create(card.Features);
    }

    /// <summary>
    /// Writes the record's feature vector into <paramref name="destination"/> (exactly <see cref="Width"/> floats).
    /// When the result is invalid, the destination's content is undefined.
    /// </summary>
    public FeaturizeResult Featurize<TRecord>(TRecord record, Span<float> destination) where TRecord : IRawRecord
    {
        if (destination.Length != Width)
            throw new ArgumentException($"the destination holds {destination.Length} floats; this model needs {Width}", nameof(destination));

        List<FieldError>? errors = null;
        var offset = 0;
        foreach (var encoder in _encoders)
        {
            if (encoder.Encode(record.ValueOf(encoder.Field), destination.Slice(offset, encoder.Width)) is { } error)
                (errors ??= []).Add(error);
            offset += encoder.Width;
        }

        return new FeaturizeResult(errors);
    }
}
