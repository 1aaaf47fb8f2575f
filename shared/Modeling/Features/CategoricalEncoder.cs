using System.Globalization;
using System.Text;
using Modeling.Cards;

namespace Modeling.Features;

/// <summary>A categorical feature: vocabulary lookup (with the explicit unknown bucket) or hashing, then index or one-hot.</summary>
internal sealed class CategoricalEncoder : FeatureEncoder
{
    private readonly CategoricalFeature _spec;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabulary;
    private readonly int _unknownIndex;
    private readonly int _buckets;

    public CategoricalEncoder(CategoricalFeature spec)
        : base(spec.Name, spec.Encoding == CategoricalEncoding.Index ? 1 : spec.Cardinality())
    {
        _spec = spec;
        var comparer = spec.CaseSensitive ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
        var vocabulary = new Dictionary<string, int>(comparer);
        for (var i = 0; i < (spec.Vocabulary?.Count ?? 0); i++)
            vocabulary[spec.Vocabulary![i]] = i;
        _vocabulary = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        _unknownIndex = spec.Vocabulary?.Count ?? -1;
        _buckets = spec.HashBuckets ?? 0;
    }

    public override FieldError? Encode(RawValue value, Span<float> destination)
    {
        int index;
        switch (value.Kind)
        {
            case RawValueKind.Missing when _spec.WhenMissing == MissingPolicy.Unknown && _spec.Vocabulary is not null:
                index = _unknownIndex;
                break;
            case RawValueKind.Missing:
                return Fail(FieldErrorCodes.Missing, "is required (a category)");
            case RawValueKind.Text:
                if (!TryIndex(value.Text.AsSpan().Trim(), out index, out var error))
                    return error;
                break;
            case RawValueKind.Number:
                // Numeric codes (e.g. a carrier id) are categories too; they match by their invariant text.
                if (!TryIndex(value.Number.ToString("R", CultureInfo.InvariantCulture), out index, out var numberError))
                    return numberError;
                break;
            default:
                return Fail(FieldErrorCodes.NotACategory, $"expected text, got {Describe(value)}");
        }

        if (_spec.Encoding == CategoricalEncoding.Index)
        {
            destination[0] = index;
        }
        else
        {
            destination[..Width].Clear();
            destination[index] = 1;
        }

        return null;
    }

    private bool TryIndex(ReadOnlySpan<char> category, out int index, out FieldError? error)
    {
        error = null;
        if (_buckets > 0)
        {
            index = (int)(CategoryHash.Fnv1a(category, _spec.CaseSensitive) % (uint)_buckets);
            return true;
        }

        if (_vocabulary.TryGetValue(category, out index))
            return true;
        if (_spec.WhenUnknown == UnknownCategoryPolicy.Bucket)
        {
            index = _unknownIndex;
            return true;
        }

        error = Fail(FieldErrorCodes.UnknownCategory, $"'{Text.UserText.Shown(category, 40)}' is not one of the {_unknownIndex} known values");
        return false;
    }
}

/// <summary>The hash of categorical hashing: 32-bit FNV-1a over the UTF-8 bytes of the trimmed (and, unless case-sensitive, upper-cased) value.</summary>
public static class CategoryHash
{
    /// <summary>The FNV-1a hash of a category as the featurizer computes it.</summary>
    public static uint Fnv1a(ReadOnlySpan<char> category, bool caseSensitive)
    {
        var text = caseSensitive ? category.ToString() : category.ToString().ToUpperInvariant();
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 16777619u;
        }

        return hash;
    }
}
