using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The dashboard's DOM as headless Chromium serialized it (<c>--dump-dom</c>), read by the marks the page
/// puts on what it drew: <c>body[data-state]</c>, each chart's <c>svg[data-points][data-series-count]</c> and
/// <c>g.series[data-series][data-values]</c>, table rows' <c>data-*</c> attributes, the selector's options.
/// Chromium writes attributes double-quoted and escaped, so start tags are read with a regular expression.
/// </summary>
public sealed partial class DashboardDom(string html)
{
    /// <summary>The serialized DOM.</summary>
    public string Html { get; } = html;

    /// <summary>The attributes of <c>&lt;body&gt;</c>.</summary>
    public IReadOnlyDictionary<string, string> Body => StartTags(Html, "body").FirstOrDefault() ?? throw Missing("<body>");

    /// <summary>The chart drawn in <c>&lt;figure id="<paramref name="figureId"/>"&gt;</c>.</summary>
    public DashboardChart Chart(string figureId)
    {
        var figure = Inner("figure", figureId);
        var svg = StartTags(figure, "svg").FirstOrDefault(attributes => attributes.ContainsKey("data-points"))
            ?? throw Missing($"an <svg data-points> in #{figureId} (the chart was not drawn)");
        var series = StartTags(figure, "g")
            .Where(attributes => attributes.ContainsKey("data-series"))
            .Select(attributes => new DashboardSeries(
                attributes["data-series"],
                int.Parse(attributes["data-points"], CultureInfo.InvariantCulture),
                [.. attributes["data-values"].Split(',').Select(value => value.Length == 0 ? (double?)null : double.Parse(value, CultureInfo.InvariantCulture))]))
            .ToList();
        return new DashboardChart(
            int.Parse(svg["data-points"], CultureInfo.InvariantCulture),
            int.Parse(svg["data-series-count"], CultureInfo.InvariantCulture),
            svg.GetValueOrDefault("aria-labelledby"),
            series);
    }

    /// <summary>The attributes of the body rows of <c>&lt;table id="<paramref name="tableId"/>"&gt;</c>.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows(string tableId)
    {
        var table = Inner("table", tableId);
        var body = table.IndexOf("<tbody", StringComparison.Ordinal);
        return body < 0 ? throw Missing($"<tbody> in #{tableId}") : StartTags(table[body..], "tr");
    }

    /// <summary>The attributes of the options of <c>&lt;select id="<paramref name="selectId"/>"&gt;</c>.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Options(string selectId) => StartTags(Inner("select", selectId), "option");

    /// <summary>Whether the element with this id carries the <c>hidden</c> attribute.</summary>
    public bool IsHidden(string tag, string id) =>
        StartTags(Html, tag).FirstOrDefault(attributes => attributes.GetValueOrDefault("id") == id)?.ContainsKey("hidden")
        ?? throw Missing($"<{tag} id=\"{id}\">");

    // The markup between <tag id="id"> and the first </tag> after it (the page nests none of these in themselves).
    private string Inner(string tag, string id)
    {
        var match = Regex.Match(Html, $"<{tag}\\b[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>", RegexOptions.CultureInvariant);
        if (!match.Success)
            throw Missing($"<{tag} id=\"{id}\">");
        var end = Html.IndexOf($"</{tag}>", match.Index, StringComparison.Ordinal);
        return end < 0 ? throw Missing($"</{tag}> after #{id}") : Html[match.Index..end];
    }

    private static List<IReadOnlyDictionary<string, string>> StartTags(string html, string tag) =>
        [.. Regex.Matches(html, $"<{tag}(?<attributes>(?:\\s+[^\\s=>/]+(?:=\"[^\"]*\")?)*)\\s*/?>", RegexOptions.CultureInvariant)
            .Select(match => (IReadOnlyDictionary<string, string>)AttributePattern().Matches(match.Groups["attributes"].Value)
                .ToDictionary(attribute => attribute.Groups["name"].Value, attribute => WebUtility.HtmlDecode(attribute.Groups["value"].Value)))];

    private XunitException Missing(string what) =>
        new($"The dashboard's DOM has no {what}.\n--- DOM (first 4000 characters) ---\n{Html[..Math.Min(Html.Length, 4000)]}");

    [GeneratedRegex("(?<name>[^\\s=>/]+)(?:=\"(?<value>[^\"]*)\")?", RegexOptions.CultureInvariant)]
    private static partial Regex AttributePattern();
}

/// <summary>A drawn chart: how many x positions and how many series with data, its label, and each series.</summary>
public sealed record DashboardChart(int Points, int SeriesCount, string? LabelledBy, IReadOnlyList<DashboardSeries> Series)
{
    /// <summary>The series named <paramref name="name"/>.</summary>
    public DashboardSeries this[string name] =>
        Series.FirstOrDefault(series => series.Name == name) ?? throw new XunitException($"The chart has no series '{name}'; it has {string.Join(", ", Series.Select(series => series.Name))}.");
}

/// <summary>One drawn series: its name, its points with a value, and every value (null where there is none).</summary>
public sealed record DashboardSeries(string Name, int Points, IReadOnlyList<double?> Values);
