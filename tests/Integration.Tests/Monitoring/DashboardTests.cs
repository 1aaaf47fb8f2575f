using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Integration.Tests.Online;
using Microsoft.Net.Http.Headers;
using Xunit.Abstractions;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The monitoring dashboard (docs/dashboard.md) opened in headless Chromium through the gateway, against a
/// running system with predictions and outcomes, and signed in to through its form with the tests' admin key: the
/// charts and tables must be drawn from exactly the data the monitoring API returns. A screenshot of the signed-in
/// page is saved in the test output folder.
/// </summary>
public sealed partial class DashboardTests(DashboardSystem system, ITestOutputHelper output) : IClassFixture<DashboardSystem>
{
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

        var dom = await HeadlessChromium.SignInAsync(page, TestKeys.Admin, screenshot, 1400, 2400);

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

    [Fact]
    public async Task The_dashboard_shows_why_a_key_is_refused_and_signs_out_to_its_form()
    {
        var page = new Uri(system.Gateway.BaseAddress, "/dashboard/");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "test-output", $"dashboard-signed-in-{Guid.NewGuid():N}.png");
        await using var browser = await ChromiumPage.OpenAsync(1200, 900);
        await browser.NavigateAsync(page);
        await browser.WaitUntilAsync("document.body.dataset.state === 'signed-out'", Deadlines.DistributedState, "its sign-in form");

        // A key the platform does not know: the form shows the API's reason and the page stays signed out.
        await browser.TypeAsync("#key-input", Keys.Unknown);
        await browser.ClickAsync("#sign-in-button");
        await browser.WaitUntilAsync("document.getElementById('sign-in-error').textContent !== ''", Deadlines.DistributedState, "a sign-in error");
        Assert.Equal("The key is not a valid API key: unknown or revoked.", (await browser.EvaluateAsync("document.getElementById('sign-in-error').textContent"))?.GetValue<string>());
        Assert.Equal("signed-out", (await browser.EvaluateAsync("document.body.dataset.state"))?.GetValue<string>());
        var refusedScreenshot = Path.Combine(AppContext.BaseDirectory, "test-output", $"dashboard-sign-in-refused-{Guid.NewGuid():N}.png");
        await browser.ScreenshotAsync(refusedScreenshot);
        output.WriteLine($"Sign-in form screenshot: {refusedScreenshot}");

        var dom = await HeadlessChromium.SignInAsync(browser, page, TestKeys.Admin, screenshot);
        Assert.Equal("ready", dom.Body.GetValueOrDefault("data-state"));
        Assert.False(dom.IsHidden("button", "sign-out-button"), "Signed in, the page offers Sign out.");
        Assert.True(dom.IsHidden("section", "sign-in-section"), "Signed in, the page hides its sign-in form.");
        Assert.Equal(200, (await browser.EvaluateAsync(MonitoringStatus))?.GetValue<int>());

        // Sign out clears the cookie and reloads: the form again, and the page's own calls are refused.
        await browser.ClickAsync("#sign-out-button");
        await browser.WaitUntilAsync("document.body.dataset.state === 'signed-out' && !document.getElementById('sign-in-section').hidden",
            Deadlines.DistributedState, "its sign-in form after signing out");
        Assert.Equal(401, (await browser.EvaluateAsync(MonitoringStatus))?.GetValue<int>());
    }

    [Fact]
    public async Task Signing_in_over_HTTP_gives_a_cookie_that_reads_and_changes_nothing_at_the_host_and_the_gateway()
    {
        var withoutRead = await CreateKeyAsync("dashboard without read", ["predict", "feedback", "admin"]);
        foreach (var address in new[] { system.Host.BaseAddress, system.Gateway.BaseAddress })
        {
            // No cookie jar: each request carries exactly the cookie the test gives it.
            using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

            using var signedIn = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new { key = TestKeys.Admin });
            Assert.True(signedIn.StatusCode == HttpStatusCode.NoContent, $"{address}: {(int)signedIn.StatusCode} {await signedIn.Content.ReadAsStringAsync()}");
            var cookie = SetCookieHeaderValue.ParseList([.. signedIn.Headers.GetValues("Set-Cookie")]).Single(cookie => cookie.Name.Value == "mlp_key");
            Assert.Equal(TestKeys.Admin, cookie.Value.Value);
            Assert.True(cookie.HttpOnly, $"{address}: the cookie must be HttpOnly: {cookie}");
            Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Strict, cookie.SameSite);
            Assert.Equal("/", cookie.Path.Value);
            Assert.True(cookie is { Expires: null, MaxAge: null }, $"{address}: a session cookie has no expiry: {cookie}");
            var session = $"mlp_key={cookie.Value.Value}";

            // A GET with only the cookie reads; the admin key's other scopes stay behind (the key list needs admin).
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/api/v1/monitoring/models", session));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Get, "/api/v1/keys", session));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/api/v1/monitoring/models", cookie: null));
            // A request that changes something never authenticates by the cookie, whatever the key may do. (Had it, each
            // would be a harmless 400 or 404: an empty key request, an alias of a model that has none.)
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Post, "/api/v1/keys", session));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Put, $"/api/v1/models/{TestModel.Name}/aliases/no-such-alias", session));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Delete, $"/api/v1/models/{TestModel.Name}/aliases/no-such-alias", session));

            await AssertRefusedAsync(client, address, JsonContent.Create(new { key = Keys.Unknown }), HttpStatusCode.Unauthorized, namesKey: true);
            await AssertRefusedAsync(client, address, JsonContent.Create(new { key = withoutRead }), HttpStatusCode.Forbidden, namesKey: true);
            await AssertRefusedAsync(client, address, new FormUrlEncodedContent([KeyValuePair.Create("key", TestKeys.Admin)]), HttpStatusCode.UnsupportedMediaType, namesKey: false);

            using var signedOut = await client.DeleteAsync(new Uri("/api/v1/session", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
            var cleared = SetCookieHeaderValue.ParseList([.. signedOut.Headers.GetValues("Set-Cookie")]).Single(cookie => cookie.Name.Value == "mlp_key");
            Assert.True(cleared.Value.Value == "" && cleared.Expires < DateTimeOffset.UtcNow, $"{address}: signing out must expire the cookie: {cleared}");
        }
    }

    private const string MonitoringStatus = "fetch('../api/v1/monitoring/models', { cache: 'no-store' }).then(response => response.status)";

    private async Task<string> CreateKeyAsync(string name, string[] scopes)
    {
        using var created = await system.Host.Client.PostAsJsonAsync(new Uri("/api/v1/keys", UriKind.Relative), new { name, scopes });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
        var key = body.GetProperty("key").GetString()!;
        // The key owner announces it; Monitor knows it once a read with it is refused for its scope, not for the key.
        await Security.OperationWalk.UntilKnownAsync(system.Host.BaseAddress, "/api/v1/monitoring/models", key, system.Host.Failure);
        return key;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path, string? cookie)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (cookie is not null)
            request.Headers.Add("Cookie", cookie);
        if (method == HttpMethod.Post || method == HttpMethod.Put)
            request.Content = JsonContent.Create(new { });
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task AssertRefusedAsync(HttpClient client, Uri address, HttpContent content, HttpStatusCode status, bool namesKey)
    {
        using (content)
        {
            using var response = await client.PostAsync(new Uri("/api/v1/session", UriKind.Relative), content);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{address}: {(int)response.StatusCode}, not {(int)status}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.False(response.Headers.Contains("Set-Cookie"), $"{address}: a refused sign-in sets no cookie.");
            if (namesKey)
                Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("key", out _), $"{address}: the problem must name 'key': {body}");
        }
    }

    // A key of the right form that the platform never issued.
    private static class Keys
    {
        public static readonly string Unknown = ServiceDefaults.Security.ApiKeySecret.Create().Key;
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
