using System.Text.Json.Serialization;

namespace Modeling.Cards;

/// <summary>
/// One raw field of a record and how it becomes tensor columns. The <c>kind</c> property in JSON chooses
/// the subtype: <c>numeric</c>, <c>categorical</c> or <c>timestamp</c>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(NumericFeature), "numeric")]
[JsonDerivedType(typeof(CategoricalFeature), "categorical")]
[JsonDerivedType(typeof(TimestampFeature), "timestamp")]
public abstract record FeatureSpec
{
    /// <summary>The field name in the raw record (matched exactly, then ignoring case).</summary>
    public string Name { get; init; } = "";

    /// <summary>What the field means, for people.</summary>
    public string? Description { get; init; }

    /// <summary>The tensor columns this feature produces, in order.</summary>
    public abstract IReadOnlyList<string> Columns();
}

/// <summary>A number: one tensor column, optionally scaled.</summary>
public sealed record NumericFeature : FeatureSpec
{
    /// <summary>Smallest valid value (inclusive); none when null.</summary>
    public double? Min { get; init; }

    /// <summary>Largest valid value (inclusive); none when null.</summary>
    public double? Max { get; init; }

    /// <summary>What to do with a value outside [Min, Max].</summary>
    public OutOfRangePolicy WhenOutOfRange { get; init; } = OutOfRangePolicy.Error;

    /// <summary>What to do when the field is absent, null or empty.</summary>
    public MissingPolicy WhenMissing { get; init; } = MissingPolicy.Error;

    /// <summary>The value used when <see cref="WhenMissing"/> is <see cref="MissingPolicy.Impute"/>.</summary>
    public double? ImputeValue { get; init; }

    /// <summary>Scaling applied after the range rules; none when null.</summary>
    public NumericScaling? Scaling { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<string> Columns() => [Name];
}

/// <summary>Scaling of a numeric feature.</summary>
/// <param name="Method">How to scale.</param>
/// <param name="Mean">Standard scaling: the mean subtracted.</param>
/// <param name="StandardDeviation">Standard scaling: the divisor (positive).</param>
public sealed record NumericScaling(ScalingMethod Method, double? Mean = null, double? StandardDeviation = null);

/// <summary>How a numeric feature is scaled.</summary>
public enum ScalingMethod
{
    /// <summary>(x − Mean) / StandardDeviation.</summary>
    Standard,

    /// <summary>(x − Min) / (Max − Min), with the feature's Min and Max.</summary>
    MinMax,
}

/// <summary>What to do with a numeric value outside its range.</summary>
public enum OutOfRangePolicy
{
    /// <summary>The record is invalid.</summary>
    Error,

    /// <summary>The value is moved to the nearest bound.</summary>
    Clip,
}

/// <summary>What to do when a field is absent, null or an empty string.</summary>
public enum MissingPolicy
{
    /// <summary>The record is invalid.</summary>
    Error,

    /// <summary>Numeric: use <see cref="NumericFeature.ImputeValue"/>.</summary>
    Impute,

    /// <summary>Categorical: treat as the unknown category.</summary>
    Unknown,
}

/// <summary>
/// A category: either a vocabulary (each known value its own index, everything else the explicit unknown
/// bucket, which is the last index) or hashing into a fixed number of buckets. Encoded as one column
/// holding the index, or one-hot columns.
/// </summary>
public sealed record CategoricalFeature : FeatureSpec
{
    /// <summary>Known values; set either this or <see cref="HashBuckets"/>.</summary>
    public IReadOnlyList<string>? Vocabulary { get; init; }

    /// <summary>Number of hash buckets (FNV-1a of the UTF-8 bytes, see docs); set either this or <see cref="Vocabulary"/>.</summary>
    public int? HashBuckets { get; init; }

    /// <summary>One index column, or one-hot columns.</summary>
    public CategoricalEncoding Encoding { get; init; } = CategoricalEncoding.Index;

    /// <summary>Whether "ord" and "ORD" are different values. Values are always trimmed.</summary>
    public bool CaseSensitive { get; init; }

    /// <summary>Vocabulary only: what to do with a value that is not in it.</summary>
    public UnknownCategoryPolicy WhenUnknown { get; init; } = UnknownCategoryPolicy.Bucket;

    /// <summary>What to do when the field is absent, null or empty: <c>error</c> or <c>unknown</c>.</summary>
    public MissingPolicy WhenMissing { get; init; } = MissingPolicy.Error;

    /// <summary>The name of the unknown bucket in column names and statistics.</summary>
    public const string UnknownBucket = "<unknown>";

    /// <summary>The number of distinct indexes: vocabulary plus the unknown bucket, or the hash buckets.</summary>
    public int Cardinality() => Vocabulary is { } vocabulary ? vocabulary.Count + 1 : HashBuckets ?? 0;

    /// <summary>The name of category index <paramref name="index"/>, as used in columns and statistics.</summary>
    public string CategoryName(int index) => Vocabulary is { } vocabulary
        ? (index < vocabulary.Count ? vocabulary[index] : UnknownBucket)
        : $"#{index}";

    /// <inheritdoc />
    public override IReadOnlyList<string> Columns() => Encoding == CategoricalEncoding.Index
        ? [Name]
        : [.. Enumerable.Range(0, Cardinality()).Select(index => $"{Name}={CategoryName(index)}")];
}

/// <summary>How a category becomes tensor columns.</summary>
public enum CategoricalEncoding
{
    /// <summary>One column holding the category index (for tree models).</summary>
    Index,

    /// <summary>One column per category, 1 for the value's category and 0 elsewhere.</summary>
    OneHot,
}

/// <summary>What to do with a value that is not in the vocabulary.</summary>
public enum UnknownCategoryPolicy
{
    /// <summary>Use the explicit unknown bucket (the last index).</summary>
    Bucket,

    /// <summary>The record is invalid.</summary>
    Error,
}

/// <summary>
/// A date and time (ISO 8601 text such as <c>2001-02-03T07:45:00</c>; the clock time as written is used,
/// an offset does not shift it), turned into one column per part.
/// </summary>
public sealed record TimestampFeature : FeatureSpec
{
    /// <summary>The parts, each a column named <c>{Name}.{part}</c>.</summary>
    public IReadOnlyList<TimestampPart> Parts { get; init; } = [];

    /// <summary>What to do when the field is absent, null or empty (only <c>error</c> is valid).</summary>
    public MissingPolicy WhenMissing { get; init; } = MissingPolicy.Error;

    /// <inheritdoc />
    public override IReadOnlyList<string> Columns() => [.. Parts.Select(part => $"{Name}.{JsonNaming.Of(part)}")];
}

/// <summary>A part of a timestamp.</summary>
public enum TimestampPart
{
    /// <summary>0–59.</summary>
    Minute,

    /// <summary>0–23.</summary>
    Hour,

    /// <summary>0 (Sunday) – 6 (Saturday).</summary>
    DayOfWeek,

    /// <summary>1–31.</summary>
    DayOfMonth,

    /// <summary>1–366.</summary>
    DayOfYear,

    /// <summary>1–12.</summary>
    Month,

    /// <summary>The year, e.g. 2001.</summary>
    Year,
}
