using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Modeling.Cards;
using Modeling.Statistics;

namespace Monitor.References;

/// <summary>
/// One column as Monitor compares it: the reference's bins (continuous: the training deciles' edges;
/// categorical: the training categories plus <see cref="Other"/> for values never seen in training) and the
/// reference share of each bin.
/// </summary>
public sealed class ProfileColumn
{
    /// <summary>The category that collects values the reference never saw.</summary>
    public const string Other = "<other>";

    private readonly Func<float, string>? _categoryName;
    private readonly Dictionary<string, int>? _categoryIndex;
    private readonly ConcurrentDictionary<float, int> _binOfValue = new();

    private ProfileColumn(string column, ColumnKind kind, IReadOnlyList<double> edges, IReadOnlyList<string> categories, IReadOnlyList<double> expected, Func<float, string>? categoryName)
    {
        Column = column;
        Kind = kind;
        Edges = edges;
        Categories = categories;
        Expected = expected;
        _categoryName = categoryName;
        if (kind == ColumnKind.Categorical)
            _categoryIndex = categories.Select((name, index) => (name, index)).ToDictionary(pair => pair.name, pair => pair.index, StringComparer.Ordinal);
        Key = KeyOf(column, kind, edges, categories);
    }

    /// <summary>
    /// The column's name and bins as one short text (<c>distance#3fa2c1d0e4b5a697</c>: the name, then a hash of the kind and the
    /// edges or categories): live counts are kept with it, so counts made with other bins are never added to these.
    /// </summary>
    public string Key { get; }

    /// <summary>The tensor column name, or <c>prediction</c> for the output.</summary>
    public string Column { get; }

    /// <summary>Continuous or categorical.</summary>
    public ColumnKind Kind { get; }

    /// <summary>Continuous: the bin edges (ascending); empty for categorical columns.</summary>
    public IReadOnlyList<double> Edges { get; }

    /// <summary>Categorical: the category of each bin, <see cref="Other"/> last; empty for continuous columns.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The reference share of each bin (summing to 1).</summary>
    public IReadOnlyList<double> Expected { get; }

    /// <summary>Number of bins.</summary>
    public int Bins => Expected.Count;

    /// <summary>The bin of a live value.</summary>
    public int BinOf(float value)
    {
        if (Kind == ColumnKind.Continuous)
            return ReferenceStatisticsBuilder.BinOf(value, Edges);
        if (_binOfValue.TryGetValue(value, out var bin))
            return bin;
        bin = _categoryIndex!.TryGetValue(_categoryName!(value), out var index) ? index : Categories.Count - 1;
        _binOfValue.TryAdd(value, bin);
        return bin;
    }

    private static string KeyOf(string column, ColumnKind kind, IReadOnlyList<double> edges, IReadOnlyList<string> categories)
    {
        var bins = kind == ColumnKind.Continuous
            ? "continuous\n" + string.Join('\n', edges.Select(edge => edge.ToString("R", CultureInfo.InvariantCulture)))
            : "categorical\n" + string.Join('\n', categories);
        return $"{column}#{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bins)))[..16]}";
    }

    /// <summary>The column's profile from its reference statistics, or null when they cannot be compared (no histogram or no shares).</summary>
    public static ProfileColumn? From(ColumnStatistics statistics, Func<float, string>? categoryName)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        if (statistics.Kind == ColumnKind.Continuous)
        {
            if (statistics.Histogram is not { Edges.Count: >= 2 } histogram)
                return null;
            var total = (double)histogram.Counts.Sum();
            if (total <= 0)
                return null;
            return new ProfileColumn(statistics.Column, ColumnKind.Continuous, histogram.Edges, [], [.. histogram.Counts.Select(count => count / total)], null);
        }

        if (statistics.Frequencies is not { Count: > 0 } frequencies || categoryName is null)
            return null;
        var sum = frequencies.Values.Sum();
        List<string> categories = [.. frequencies.Keys.Where(key => key != Other), Other];
        List<double> expected = [.. frequencies.Where(pair => pair.Key != Other).Select(pair => pair.Value / sum), frequencies.GetValueOrDefault(Other) / sum];
        return new ProfileColumn(statistics.Column, ColumnKind.Categorical, [], categories, expected, categoryName);
    }
}
