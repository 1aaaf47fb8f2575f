using System.Text.RegularExpressions;
using Modeling.Files;

namespace Modeling.Cards;

/// <summary>Checks a deserialized card for everything that would make it unusable, and names each problem.</summary>
public static partial class ModelCardValidator
{
    /// <summary>The card format version this library reads.</summary>
    public const int SupportedSchemaVersion = 1;

    /// <summary>Most hash buckets a categorical feature may have.</summary>
    public const int MaxHashBuckets = 1 << 20;

    /// <summary>Every problem in the card; empty when it is valid.</summary>
    public static IReadOnlyList<ModelCardError> Validate(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var errors = new List<ModelCardError>();
        void Error(string path, string message) => errors.Add(new ModelCardError(path, message));

        if (card.SchemaVersion != SupportedSchemaVersion)
            Error("$.schemaVersion", $"unsupported version {card.SchemaVersion}; this reader supports {SupportedSchemaVersion}");
        if (string.IsNullOrWhiteSpace(card.Name))
            Error("$.name", "is required");
        else if (!NamePattern().IsMatch(card.Name))
            Error("$.name", $"'{card.Name}' must be 1-64 characters: lower-case letters, digits, '-', '_' or '.', starting with a letter or digit");
        else if (PathSegments.Problem(card.Name) is { } nameProblem)
            Error("$.name", $"'{card.Name}' names a folder, and {nameProblem}");
        if (string.IsNullOrWhiteSpace(card.Version))
            Error("$.version", "is required");
        else if (!VersionPattern().IsMatch(card.Version))
            Error("$.version", $"'{card.Version}' must be 1-64 characters: letters, digits, '-', '_' or '.', starting with a letter or digit (a version names a folder: '.' and '..' would name another)");
        else if (PathSegments.Problem(card.Version) is { } versionProblem)
            Error("$.version", $"'{card.Version}' names a folder, and {versionProblem}");
        if (card.Task == ModelTask.Unspecified)
            Error("$.task", "is required: binary, multiclass or regression");

        ValidateFeatures(card.Features, Error);
        ValidateInput(card, Error);
        ValidateOutput(card.Task, card.Output, Error);
        if (card.Label is { } label)
            ValidateLabel(card.Task, label, Error);
        if (card.Reference is { } reference)
            ValidateReference(card, reference, Error);
        foreach (var (segment, index) in (card.Monitoring?.SegmentBy ?? []).Select((segment, index) => (segment, index)))
        {
            if (!card.Features.Any(feature => feature is CategoricalFeature && feature.Name == segment))
                Error($"$.monitoring.segmentBy[{index}]", $"'{segment}' is not a categorical feature of the card");
        }
        if (string.IsNullOrWhiteSpace(card.Artifact.File))
            Error("$.artifact.file", "is required");
        else if (PathSegments.Problem(card.Artifact.File) is { } fileProblem)
            Error("$.artifact.file", $"must be a file name next to the card, without folders: it {fileProblem}");
        else if (string.Equals(card.Artifact.File, "model-card.json", StringComparison.OrdinalIgnoreCase))
            Error("$.artifact.file", "must not be model-card.json, the card's own file");
        if (card.Artifact.Sha256 is { } sha && !Sha256Pattern().IsMatch(sha))
            Error("$.artifact.sha256", "must be 64 lower-case hexadecimal characters");
        return errors;
    }

    private static void ValidateFeatures(IReadOnlyList<FeatureSpec> features, Action<string, string> error)
    {
        if (features.Count == 0)
        {
            error("$.features", "must list at least one feature");
            return;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < features.Count; i++)
        {
            var path = $"$.features[{i}]";
            var feature = features[i];
            if (feature is null)
            {
                error(path, "must be an object with a kind");
                continue;
            }

            if (string.IsNullOrWhiteSpace(feature.Name))
                error($"{path}.name", "is required");
            else if (!names.Add(feature.Name))
                error($"{path}.name", $"'{feature.Name}' is listed more than once (names are compared ignoring case)");

            switch (feature)
            {
                case NumericFeature numeric:
                    ValidateNumeric(path, numeric, error);
                    break;
                case CategoricalFeature categorical:
                    ValidateCategorical(path, categorical, error);
                    break;
                case TimestampFeature timestamp:
                    ValidateTimestamp(path, timestamp, error);
                    break;
            }
        }
    }

    private static void ValidateNumeric(string path, NumericFeature feature, Action<string, string> error)
    {
        if (feature.Min is { } min && feature.Max is { } max && min > max)
            error($"{path}.min", $"{min} is greater than max {max}");
        if (feature.Min is { } lower && !double.IsFinite(lower))
            error($"{path}.min", "must be a finite number");
        if (feature.Max is { } upper && !double.IsFinite(upper))
            error($"{path}.max", "must be a finite number");
        if (feature.WhenOutOfRange == OutOfRangePolicy.Clip && feature.Min is null && feature.Max is null)
            error($"{path}.whenOutOfRange", "clip needs min or max");

        switch (feature.WhenMissing)
        {
            case MissingPolicy.Impute when feature.ImputeValue is not { } impute:
                error($"{path}.imputeValue", "is required when whenMissing is impute");
                break;
            case MissingPolicy.Impute when feature.ImputeValue is { } impute && (impute < feature.Min || impute > feature.Max):
                error($"{path}.imputeValue", $"{impute} is outside [min, max]");
                break;
            case MissingPolicy.Unknown:
                error($"{path}.whenMissing", "unknown is for categorical features; use error or impute");
                break;
        }

        if (feature.Scaling is { } scaling)
        {
            switch (scaling.Method)
            {
                case ScalingMethod.Standard when scaling.Mean is null || scaling.StandardDeviation is null:
                    error($"{path}.scaling", "standard scaling needs mean and standardDeviation");
                    break;
                case ScalingMethod.Standard when scaling.StandardDeviation is <= 0 || !double.IsFinite(scaling.StandardDeviation!.Value):
                    error($"{path}.scaling.standardDeviation", "must be a positive number");
                    break;
                case ScalingMethod.MinMax when feature.Min is not { } low || feature.Max is not { } high || !(high > low):
                    error($"{path}.scaling", "minMax scaling needs min and max with max greater than min");
                    break;
            }
        }
    }

    private static void ValidateCategorical(string path, CategoricalFeature feature, Action<string, string> error)
    {
        switch (feature.Vocabulary, feature.HashBuckets)
        {
            case (null, null):
                error(path, "needs either vocabulary or hashBuckets");
                break;
            case (not null, not null):
                error(path, "has both vocabulary and hashBuckets; choose one");
                break;
            case (not null, null):
                ValidateVocabulary(path, feature, error);
                break;
            case (null, { } buckets) when buckets < 1 || buckets > MaxHashBuckets:
                error($"{path}.hashBuckets", $"must be between 1 and {MaxHashBuckets}");
                break;
        }

        if (feature.HashBuckets is not null && feature.WhenUnknown == UnknownCategoryPolicy.Error)
            error($"{path}.whenUnknown", "hashing has no unknown values; remove whenUnknown or use a vocabulary");
        // The featurizer has no unknown bucket to put a missing value in when hashing: it would still refuse it.
        if (feature.HashBuckets is not null && feature.WhenMissing == MissingPolicy.Unknown)
            error($"{path}.whenMissing", "hashing has no unknown bucket; use error or a vocabulary");
        if (feature.WhenMissing == MissingPolicy.Impute)
            error($"{path}.whenMissing", "impute is for numeric features; use error or unknown");
    }

    private static void ValidateVocabulary(string path, CategoricalFeature feature, Action<string, string> error)
    {
        var vocabulary = feature.Vocabulary!;
        if (vocabulary.Count == 0)
        {
            error($"{path}.vocabulary", "must not be empty");
            return;
        }

        var seen = new HashSet<string>(feature.CaseSensitive ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < vocabulary.Count; i++)
        {
            var value = vocabulary[i];
            if (string.IsNullOrWhiteSpace(value))
                error($"{path}.vocabulary[{i}]", "must not be empty");
            else if (value != value.Trim())
                error($"{path}.vocabulary[{i}]", $"'{value}' has leading or trailing white space (values are trimmed before lookup)");
            else if (value == CategoricalFeature.UnknownBucket)
                error($"{path}.vocabulary[{i}]", $"'{CategoricalFeature.UnknownBucket}' is reserved for the unknown bucket");
            else if (!seen.Add(value))
                error($"{path}.vocabulary[{i}]", $"'{value}' is listed more than once{(feature.CaseSensitive ? "" : " (compared ignoring case)")}");
        }
    }

    private static void ValidateTimestamp(string path, TimestampFeature feature, Action<string, string> error)
    {
        if (feature.Parts.Count == 0)
            error($"{path}.parts", "must list at least one part: minute, hour, dayOfWeek, dayOfMonth, dayOfYear, month, year");
        if (feature.Parts.Distinct().Count() != feature.Parts.Count)
            error($"{path}.parts", "lists a part more than once");
        if (feature.WhenMissing != MissingPolicy.Error)
            error($"{path}.whenMissing", "a timestamp has no default; only error is allowed");
    }

    private static void ValidateInput(ModelCard card, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(card.Input.Name))
            error("$.input.name", "is required (the ONNX input that receives the feature tensor)");
        if (card.Features.Any(feature => feature is null))
            return;

        var expected = card.Features.SelectMany(feature => feature.Columns()).ToList();
        if (card.Input.Columns.Count == 0)
        {
            error("$.input.columns", $"is required; the features produce {expected.Count} columns: {Preview(expected)}");
            return;
        }

        for (var i = 0; i < Math.Min(expected.Count, card.Input.Columns.Count); i++)
        {
            if (card.Input.Columns[i] != expected[i])
            {
                error($"$.input.columns[{i}]", $"is '{card.Input.Columns[i]}' but the features produce '{expected[i]}' at this position");
                return;
            }
        }

        if (card.Input.Columns.Count != expected.Count)
            error("$.input.columns", $"lists {card.Input.Columns.Count} columns but the features produce {expected.Count}: {Preview(expected)}");
    }

    private static void ValidateOutput(ModelTask task, ModelOutput output, Action<string, string> error)
    {
        switch (task)
        {
            case ModelTask.Binary:
                if (string.IsNullOrWhiteSpace(output.Probability))
                    error("$.output.probability", "is required for a binary model (the ONNX output with the positive-class probability)");
                if (output.Labels.Count is not (0 or 2))
                    error("$.output.labels", "a binary model has two labels: [negative, positive]");
                if (!(output.Threshold > 0 && output.Threshold < 1))
                    error("$.output.threshold", "must be between 0 and 1 (exclusive)");
                break;
            case ModelTask.Multiclass:
                if (string.IsNullOrWhiteSpace(output.Probability))
                    error("$.output.probability", "is required for a multiclass model (the ONNX output with per-label probabilities)");
                if (output.Labels.Count < 2)
                    error("$.output.labels", "a multiclass model lists one label per probability column (at least two)");
                break;
            case ModelTask.Regression:
                if (string.IsNullOrWhiteSpace(output.Score))
                    error("$.output.score", "is required for a regression model (the ONNX output with the value)");
                break;
        }
    }

    private static void ValidateLabel(ModelTask task, LabelSpec label, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(label.Field))
            error("$.label.field", "is required");
        if (task == ModelTask.Binary && label.PositiveWhenGreaterThan is null)
            error("$.label.positiveWhenGreaterThan", "is required for a binary model");
    }

    private static void ValidateReference(ModelCard card, ReferenceStatistics reference, Action<string, string> error)
    {
        var known = card.Input.Columns.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < reference.Columns.Count; i++)
        {
            var column = reference.Columns[i];
            var path = $"$.reference.columns[{i}]";
            if (!known.Contains(column.Column))
                error($"{path}.column", $"'{column.Column}' is not one of the input columns");
            ValidateColumnStatistics(path, column, error);
        }

        if (reference.Source is { } source && source is not ("training" or "dataset" or "live"))
            error("$.reference.source", $"'{source}' is not training, dataset or live");
        foreach (var (name, output) in new[]
        {
            ("probability", reference.Output?.Probability), ("confidence", reference.Output?.Confidence),
            ("value", reference.Output?.Value), ("labelValue", reference.Output?.LabelValue),
        })
        {
            if (output is not null)
                ValidateColumnStatistics($"$.reference.output.{name}", output, error);
        }
    }

    private static void ValidateColumnStatistics(string path, ColumnStatistics column, Action<string, string> error)
    {
        if (column.Kind == ColumnKind.Continuous)
        {
            if (column.Quantiles is { } quantiles && !IsNonDecreasing(quantiles))
                error($"{path}.quantiles", "must not decrease");
            if (column.Histogram is { } histogram)
            {
                if (histogram.Edges.Count != histogram.Counts.Count + 1)
                    error($"{path}.histogram", $"has {histogram.Edges.Count} edges for {histogram.Counts.Count} counts; edges must be one more than counts");
                else if (!IsIncreasing(histogram.Edges))
                    error($"{path}.histogram.edges", "must increase strictly");
                if (histogram.Counts.Any(count => count < 0))
                    error($"{path}.histogram.counts", "must not be negative");
            }
        }
        else if (column.Frequencies is { } frequencies)
        {
            var total = frequencies.Values.Sum();
            if (frequencies.Values.Any(share => share < 0) || Math.Abs(total - 1) > 1e-3)
                error($"{path}.frequencies", $"shares must be non-negative and add up to 1 (they add up to {total:0.####})");
        }
    }

    private static bool IsNonDecreasing(IReadOnlyList<double> values)
    {
        for (var i = 1; i < values.Count; i++)
            if (!(values[i] >= values[i - 1]))
                return false;
        return true;
    }

    private static bool IsIncreasing(IReadOnlyList<double> values)
    {
        for (var i = 1; i < values.Count; i++)
            if (!(values[i] > values[i - 1]))
                return false;
        return true;
    }

    private static string Preview(List<string> columns) =>
        columns.Count <= 12 ? string.Join(", ", columns) : $"{string.Join(", ", columns.Take(12))}, … ({columns.Count - 12} more)";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
