using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Integration.Tests.Online;
using Xunit.Abstractions;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The monitoring dashboard (docs/dashboard.md) opened in headless Chromium through the gateway, against a
/// running system with predictions and outcomes: the charts and tables must be drawn from exactly the data
/// the monitoring API returns. A screenshot of the same page load is saved in the test output folder.
/// </summary>
public sealed partial class DashboardTests(DashboardSystem system, ITestOutputHelper output) : IClassFixture<DashboardSystem>
{
    // Virtual time for the page's scripts: enough for the first load (network waits do not count), less than
    // the 10 s auto-refresh.
    private static readonly TimeSpan ScriptBudget = TimeSpan.FromSeconds(8);

    private static readonly string Version = $"/api/v1/monitoring/models/{TestModel.Name}/versions/{TestModel.Version}";

    [Fact]
    public async Task The_dashboard_draws_the_monitoring_data_in_headless_Chromium()
    {
        var before = await system.GetAsync($"{Version}/timeline");
        var report = await system.GetAsync(Version);
        var rulesBefore = RuleNames(await system.GetAsync("/api/v1/monitoring/alerts/active"));
        var page = new Uri(system.Gateway.BaseAddress, "/dashboard/");
        // A name of its own: runs of the suite side by side share the output folder.
        var screenshot = Path.Combine(AppContext.BaseDirectory, "test-output", $"dashboard-{Guid.NewGuid():N}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);

        var dom = new DashboardDom(await HeadlessChromium.DumpDomAsync(page, ScriptBudget, screenshot, 1400, 2400));

        var after = await system.GetAsync($"{Version}/timeline");
        var rulesAfter = RuleNames(await system.GetAsync("/api/v1/monitoring/alerts/active"));
        var body = dom.Body;
        Assert.True(body.GetValueOrDefault("data-state") == "ready",
            $"The page did not finish drawing: data-state={body.GetValueOrDefault("data-state")}, error={body.GetValueOrDefault("data-error")}");
        Assert.Equal(TestModel.Name, body["data-model"]);
        Assert.Equal(TestModel.Version, body["data-version"]);
        Assert.Contains(dom.Options("model-select"), option => option["data-model"] == TestModel.Name && option["data-version"] == TestModel.Version);

        // Empty buckets keep closing while the browser runs: the page drew every bucket the API had when the
        // test asked before, and no more than it had after, with the same numbers.
        var traffic = dom.Chart("traffic-chart");
        var beforeCount = before.GetProperty("points").GetArrayLength();
        var afterCount = after.GetProperty("points").GetArrayLength();
        Assert.InRange(traffic.Points, beforeCount, afterCount);
        var points = after.GetProperty("points").EnumerateArray().Take(traffic.Points).ToList();
        Assert.Equal("traffic-chart-title", traffic.LabelledBy);
        Assert.Equal(2, traffic.SeriesCount);
        AssertSeries(traffic["predictions"], points, point => point.GetProperty("predictions").GetDouble());
        AssertSeries(traffic["outcomes"], points, point => point.GetProperty("outcomes").GetDouble());
        Assert.Equal<double?>(DashboardSystem.Sent, traffic["predictions"].Values.Sum());
        Assert.Equal<double?>(DashboardSystem.Sent, traffic["outcomes"].Values.Sum());
        Assert.True(traffic["predictions"].Values.Count(value => value > 0) >= DashboardSystem.Waves,
            $"The waves of predictions should be in {DashboardSystem.Waves} or more buckets: {string.Join(',', traffic["predictions"].Values)}");

        // One line per column (and one for the prediction), each with the PSI of every bucket.
        var drift = dom.Chart("drift-chart");
        var columns = points.SelectMany(point => point.GetProperty("drift").EnumerateObject().Select(column => column.Name)).Distinct().ToList();
        Assert.Contains("prediction", columns);
        Assert.Equal(columns.Count(column => points.Any(point => Number(point.GetProperty("drift"), column) is not null)), drift.SeriesCount);
        foreach (var column in columns)
            AssertSeries(drift[column == "prediction" ? "prediction (output)" : column], points, point => Number(point.GetProperty("drift"), column));

        var performance = dom.Chart("performance-chart");
        AssertSeries(performance["AUC (live)"], points, point => Number(point, "auc"));
        AssertSeries(performance["AUC (estimated)"], points, point => Number(point, "estimatedAuc"));
        AssertSeries(performance["accuracy (live)"], points, point => Number(point, "accuracy"));
        Assert.True(performance["AUC (live)"].Points > 0, "The live AUC has no point although outcomes were sent.");

        var latency = dom.Chart("latency-chart");
        foreach (var (series, property) in new[] { ("p50", "latencyP50Ms"), ("p95", "latencyP95Ms"), ("p99", "latencyP99Ms") })
            AssertSeries(latency[series], points, point => Number(point, property));
        Assert.True(latency["p99"].Points >= DashboardSystem.Waves, "The latency chart has fewer points than buckets with predictions.");

        // The window report: a drift row per column, the calibration bins with outcomes, the worst segments.
        var driftRows = dom.Rows("drift-table");
        var reportDrift = report.GetProperty("drift").EnumerateArray().ToList();
        Assert.Equal(reportDrift.Select(row => row.GetProperty("column").GetString()), driftRows.Select(row => row.GetValueOrDefault("data-column")));
        Assert.Equal(reportDrift.Select(row => row.GetProperty("drifted").GetBoolean() ? "true" : "false"), driftRows.Select(row => row["data-drifted"]));
        var bins = report.GetProperty("performance").GetProperty("realized").GetProperty("calibration").EnumerateArray().Count(bin => bin.GetProperty("rows").GetInt64() > 0);
        Assert.True(bins > 0, "The report has no calibration bin with outcomes.");
        Assert.Equal(bins, dom.Chart("calibration-chart").Points);
        Assert.Equal(report.GetProperty("segments").GetArrayLength(), dom.Rows("segments-table").Count(row => row.GetValueOrDefault("class") != "empty"));

        // Rules judge this version as windows close; the page shows those the API listed, give or take that.
        var shownRules = dom.Rows("rules-table").Where(row => row.ContainsKey("data-rule")).Select(row => row["data-rule"]).ToHashSet();
        Assert.Superset(rulesBefore, shownRules);
        Assert.Subset(rulesAfter, shownRules);

        // The computational table is there when Monitor has the endpoint, hidden otherwise.
        using var services = await system.Gateway.Client.GetAsync(new Uri("/api/v1/monitoring/services?minutes=5", UriKind.Relative));
        Assert.Equal(services.StatusCode == HttpStatusCode.NotFound, dom.IsHidden("section", "services-section"));

        Assert.True(new FileInfo(screenshot) is { Exists: true, Length: > 20_000 }, $"No screenshot (or an empty one) at {screenshot}.");
        output.WriteLine($"Dashboard screenshot: {screenshot}");
    }

    [Fact]
    public async Task The_dashboard_is_served_with_its_types_caching_headers_and_a_redirect_by_the_host_and_the_gateway()
    {
        foreach (var address in new[] { system.Host.BaseAddress, system.Gateway.BaseAddress })
        {
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };

            using var redirect = await client.GetAsync(new Uri("/dashboard", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal(new Uri(address, "/dashboard/"), new Uri(new Uri(address, "/dashboard"), redirect.Headers.Location!));

            using var page = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Equal("utf-8", page.Content.Headers.ContentType?.CharSet);
            Assert.True(page.Headers.CacheControl?.NoCache, "The page must be revalidated (Cache-Control: no-cache).");
            Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            var etag = page.Headers.ETag ?? throw new Xunit.Sdk.XunitException("The page has no ETag.");

            using var revalidation = new HttpRequestMessage(HttpMethod.Get, new Uri("/dashboard/", UriKind.Relative));
            revalidation.Headers.IfNoneMatch.Add(etag);
            using var notModified = await client.SendAsync(revalidation);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

            // Every file the page links, relative to it, with its type.
            var html = await page.Content.ReadAsStringAsync();
            var files = LinkedFiles().Matches(html).Select(match => match.Groups["file"].Value).ToList();
            Assert.Contains("app.js", files);
            Assert.Contains("dashboard.css", files);
            foreach (var file in files.Concat(["charts.js", "views.js", "api.js", "dom.js", "format.js"]))
            {
                using var response = await client.GetAsync(new Uri($"/dashboard/{file}", UriKind.Relative));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{address}dashboard/{file}: {(int)response.StatusCode}");
                Assert.Equal(file.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : "text/css", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.ETag);
            }

            using var missing = await client.GetAsync(new Uri("/dashboard/missing.js", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        }
    }

    // The page's value for each bucket must be the API's, to the last bit (both print doubles round-trip).
    private static void AssertSeries(DashboardSeries series, IReadOnlyList<JsonElement> points, Func<JsonElement, double?> expected)
    {
        var values = points.Select(expected).ToList();
        Assert.True(values.SequenceEqual(series.Values),
            $"Series '{series.Name}' drew [{string.Join(',', series.Values)}] where the API has [{string.Join(',', values)}].");
        Assert.Equal(values.Count(value => value is not null), series.Points);
    }

    private static double? Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static HashSet<string> RuleNames(JsonElement states) =>
        [.. states.GetProperty("rules").EnumerateArray()
            .Where(rule => rule.GetProperty("model").GetString() == TestModel.Name && rule.GetProperty("version").GetString() == TestModel.Version)
            .Select(rule => rule.GetProperty("rule").GetString()!)];

    [GeneratedRegex("(?:src|href)=\"(?<file>[a-z]+\\.(?:js|css))\"", RegexOptions.CultureInvariant)]
    private static partial Regex LinkedFiles();
}
