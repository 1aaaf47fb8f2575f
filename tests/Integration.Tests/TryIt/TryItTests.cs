using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Tests.Monitoring;
using Integration.Tests.Online;
using ServiceDefaults.Security;
using Xunit.Abstractions;

namespace Integration.Tests.TryIt;

/// <summary>
/// The try-it page (docs/try-it.md) on the embedded host with security on, opened in headless Chromium with no
/// credential, as a person's browser has none: it asks for a key, builds its form from the model's description, posts
/// what is filled in and shows the answer, or the API's errors at their fields. What it shows is compared with what
/// the API answers and what the platform logged. A screenshot of the page with its prediction is saved in the test
/// output folder.
/// </summary>
public sealed partial class TryItTests(TryItHost system, ITestOutputHelper output) : IClassFixture<TryItHost>
{
    private const int Width = 1280;
    private const int Height = 820;

    // A record the model takes, entered as a person would: two airports from the lists, a typed distance, a picked date.
    private const string Origin = "ORD";
    private const string Destination = "LAX";
    private const string Distance = "1744";
    private const string Date = "2001-02-03T07:45";
    private const string EntityKey = "UA123";

    private Uri PageAddress => new(system.Host.BaseAddress, $"/try/?model={TestModel.Name}");

    [Fact]
    public async Task The_page_asks_for_a_key_builds_the_form_from_the_model_s_description_and_shows_the_logged_prediction()
    {
        await using var page = await ChromiumPage.OpenAsync(Width, Height);
        await page.NavigateAsync(PageAddress);
        await WaitForStateAsync(page, "key-needed");
        Assert.Equal("password", await TextAsync(page, "document.getElementById('key-input').type"));
        Assert.True(await TrueAsync(page, "document.getElementById('workspace').hidden"), "Without a key the page shows no form.");

        await EnterKeyAsync(page, TestKeys.Admin);
        await WaitForStateAsync(page, "ready");
        await AssertKeyOnlyInSessionStorageAsync(page, TestKeys.Admin);

        // The served models, with the test model chosen (the address names it).
        var models = (await page.EvaluateAsync("[...document.querySelectorAll('#model-select option')].map(option => option.dataset.model + '@' + option.dataset.version)"))!.AsArray();
        Assert.Contains($"{TestModel.Name}@{TestModel.Version}", models.Select(model => model!.GetValue<string>()));
        Assert.Equal(TestModel.Name, await TextAsync(page, "document.getElementById('model-select').value"));

        // A field per field of the description (and the optional entity key), of the kind it describes.
        var fields = await FieldsAsync(page);
        var described = system.Description.GetProperty("fields").EnumerateArray().ToList();
        Assert.Equal(
            [.. described.Select(field => field.GetProperty("name").GetString()), system.Description.GetProperty("entityKeyField").GetString()],
            fields.Select(field => field["field"]!.GetValue<string>()));
        Assert.Contains(described, field => field.GetProperty("kind").GetString() == "numeric");
        Assert.Contains(described, field => field.GetProperty("kind").GetString() == "categorical");
        Assert.Contains(described, field => field.GetProperty("kind").GetString() == "timestamp");
        foreach (var field in described)
        {
            var name = field.GetProperty("name").GetString()!;
            var shown = fields.Single(candidate => candidate["field"]!.GetValue<string>() == name);
            Assert.Equal(field.GetProperty("required").GetBoolean(), shown["required"]!.GetValue<bool>());
            switch (field.GetProperty("kind").GetString())
            {
                case "numeric":
                    var (min, max) = (field.GetProperty("min").GetDouble(), field.GetProperty("max").GetDouble());
                    Assert.Equal(("input", "number"), (shown["tag"]!.GetValue<string>(), shown["type"]!.GetValue<string>()));
                    Assert.Equal(min, double.Parse(shown["min"]!.GetValue<string>(), CultureInfo.InvariantCulture));
                    Assert.Equal(max, double.Parse(shown["max"]!.GetValue<string>(), CultureInfo.InvariantCulture));
                    Assert.Contains($"Range {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}", shown["hint"]!.GetValue<string>(), StringComparison.Ordinal);
                    break;
                case "categorical":
                    Assert.Equal("select", shown["tag"]!.GetValue<string>());
                    Assert.Equal(
                        field.GetProperty("categories").EnumerateArray().Select(category => category.GetString()!).Order(StringComparer.Ordinal),
                        shown["options"]!.AsArray().Select(option => option!.GetValue<string>()).Order(StringComparer.Ordinal));
                    break;
                case "timestamp":
                    Assert.Equal(("input", "datetime-local"), (shown["tag"]!.GetValue<string>(), shown["type"]!.GetValue<string>()));
                    break;
            }
        }

        await FillAsync(page, Origin, Destination, Distance, Date);
        await page.TypeAsync($"[data-field='{system.Description.GetProperty("entityKeyField").GetString()}'] input", EntityKey);
        await PredictAsync(page, "predicted");

        // The answer: a label of the model's with the positive label's probability, on the right side of the threshold.
        var labels = system.Description.GetProperty("labels").EnumerateArray().Select(label => label.GetString()!).ToList();
        var label = await TextAsync(page, "document.getElementById('prediction-label').textContent");
        var probability = double.Parse(await TextAsync(page, "document.getElementById('prediction-probability').dataset.probability"), CultureInfo.InvariantCulture);
        Assert.Contains(label, labels);
        Assert.InRange(probability, 0, 1);
        Assert.Equal(probability >= system.Description.GetProperty("threshold").GetDouble() ? labels[1] : labels[0], label);
        Assert.Equal(TestModel.Version, await TextAsync(page, "document.getElementById('prediction-version').textContent"));
        var perLabel = (await page.EvaluateAsync("[...document.querySelectorAll('#probabilities tr')].map(row => row.dataset.label)"))!.AsArray();
        Assert.Equal(labels, perLabel.Select(row => row!.GetValue<string>()));

        // The id shown is one the platform logged, for the record the form made.
        var id = await TextAsync(page, "document.getElementById('prediction-id').textContent");
        var logged = await Poll.GetJsonAsync(system.Host.Client, $"/api/v1/predictions/{id}", _ => true, Deadlines.DistributedState, system.Host.Failure);
        Assert.Equal((TestModel.Name, TestModel.Version, label), (logged.GetProperty("modelName").GetString(), logged.GetProperty("modelVersion").GetString(), logged.GetProperty("label").GetString()));
        Assert.Equal(probability, logged.GetProperty("probability").GetDouble(), 6);
        var input = logged.GetProperty("input");
        Assert.Equal((Origin, Destination, $"{Date}:00"), (input.GetProperty("origin").GetString(), input.GetProperty("destination").GetString(), input.GetProperty("date").GetString()));
        Assert.Equal(double.Parse(Distance, CultureInfo.InvariantCulture), input.GetProperty("distance").GetDouble());
        Assert.Equal(EntityKey, logged.GetProperty("entityKey").GetString());

        // The version's monitoring, as the dashboard reads its address.
        Assert.Equal(
            new Uri(system.Host.BaseAddress, $"/dashboard/#model={TestModel.Name}&version={TestModel.Version}").ToString(),
            await TextAsync(page, "document.getElementById('monitoring-link').href"));

        var screenshot = Path.Combine(AppContext.BaseDirectory, "test-output", $"try-it-{Guid.NewGuid():N}.png");
        await page.ScreenshotAsync(screenshot);
        Assert.True(new FileInfo(screenshot) is { Exists: true, Length: > 20_000 }, $"No screenshot (or an empty one) at {screenshot}.");
        output.WriteLine($"Try-it screenshot: {screenshot}");

        // A reload keeps the key (sessionStorage): the form comes back without asking.
        await page.NavigateAsync(PageAddress);
        await WaitForStateAsync(page, "ready");
        Assert.True(await TrueAsync(page, "document.getElementById('key-section').hidden"), "After a reload the key is kept: no key form.");
    }

    [Fact]
    public async Task The_API_s_messages_for_a_refused_record_are_shown_next_to_their_fields()
    {
        await using var page = await ChromiumPage.OpenAsync(Width, Height);
        await page.NavigateAsync(PageAddress);
        await WaitForStateAsync(page, "key-needed");
        await EnterKeyAsync(page, TestKeys.Admin);
        await WaitForStateAsync(page, "ready");

        // A distance the card refuses (outside [0, 10000], which it does not clip) and no date at all.
        await FillAsync(page, Origin, Destination, "-5", date: null);
        await PredictAsync(page, "invalid");

        var refused = await system.PredictAsync(TestModel.Name, new { origin = Origin, destination = Destination, distance = -5 });
        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
        var errors = refused.Json().GetProperty("errors").EnumerateObject().ToDictionary(error => error.Name, error => string.Join(' ', error.Value.EnumerateArray().Select(message => message.GetString())));
        Assert.Equal(["date", "distance"], errors.Keys.Order(StringComparer.Ordinal));
        foreach (var field in await FieldsAsync(page))
        {
            var name = field["field"]!.GetValue<string>();
            Assert.Equal(errors.GetValueOrDefault(name) ?? "", field["error"]!.GetValue<string>());
            Assert.Equal(errors.ContainsKey(name), field["invalid"]!.GetValue<bool>());
        }

        Assert.Contains(refused.Json().GetProperty("detail").GetString()!, await TextAsync(page, "document.getElementById('form-error').textContent"), StringComparison.Ordinal);
        Assert.Equal(0, (await page.EvaluateAsync("document.querySelectorAll('#prediction-id').length"))!.GetValue<int>());
        var screenshot = Path.Combine(AppContext.BaseDirectory, "test-output", $"try-it-refused-{Guid.NewGuid():N}.png");
        await page.ScreenshotAsync(screenshot);
        output.WriteLine($"Try-it screenshot of a refused record: {screenshot}");

        // Corrected, the same form predicts and the messages go.
        await page.SetValueAsync("[data-field='distance'] input", "");
        await page.TypeAsync("[data-field='distance'] input", Distance);
        await page.SetValueAsync("[data-field='date'] input", Date);
        await PredictAsync(page, "predicted");
        Assert.All(await FieldsAsync(page), field => Assert.Equal("", field["error"]!.GetValue<string>()));
        Assert.Equal("", await TextAsync(page, "document.getElementById('form-error').textContent"));
    }

    [Fact]
    public async Task A_refused_key_is_explained_and_another_can_be_entered_without_losing_the_record()
    {
        var readOnly = await system.CreateKeyAsync("try-it read only", "read");
        await using var page = await ChromiumPage.OpenAsync(Width, Height);
        await page.NavigateAsync(PageAddress);
        await WaitForStateAsync(page, "key-needed");

        // A key the platform never issued: 401, said so, and not kept.
        await EnterKeyAsync(page, ApiKeySecret.Create().Key);
        await page.WaitUntilAsync("document.getElementById('key-error').textContent !== ''", Deadlines.DistributedState, "the refusal of an unknown key");
        Assert.Equal("key-needed", await TextAsync(page, "document.body.dataset.state"));
        Assert.Contains("(401)", await TextAsync(page, "document.getElementById('key-error').textContent"), StringComparison.Ordinal);
        Assert.Equal("", await TextAsync(page, "sessionStorage.getItem('mlp-try-key') ?? ''"));

        // A key that may read but not predict: the form is built, the prediction refused (403) with the scope named.
        await EnterKeyAsync(page, readOnly);
        await WaitForStateAsync(page, "ready");
        await FillAsync(page, Origin, Destination, Distance, Date);
        await PredictAsync(page, "forbidden");
        var screenshot = Path.Combine(AppContext.BaseDirectory, "test-output", $"try-it-forbidden-{Guid.NewGuid():N}.png");
        await page.ScreenshotAsync(screenshot);
        output.WriteLine($"Try-it screenshot of a refused key: {screenshot}");
        Assert.Contains("(403)", await TextAsync(page, "document.getElementById('key-error').textContent"), StringComparison.Ordinal);
        Assert.Contains("predict scope", await TextAsync(page, "document.getElementById('key-error').textContent"), StringComparison.Ordinal);
        Assert.False(await TrueAsync(page, "document.getElementById('key-section').hidden"), "A refused prediction shows the key form.");
        Assert.False(await TrueAsync(page, "document.getElementById('workspace').hidden"), "A refused prediction keeps the form.");

        // The admin key: the same record is predicted at once, and the new key is the one kept.
        await EnterKeyAsync(page, TestKeys.Admin);
        await WaitForStateAsync(page, "predicted");
        await AssertKeyOnlyInSessionStorageAsync(page, TestKeys.Admin);

        // Forget key: the page reloads without one and asks again.
        await page.ClickAsync("#forget-key-button");
        await WaitForStateAsync(page, "key-needed");
        Assert.Equal("", await TextAsync(page, "sessionStorage.getItem('mlp-try-key') ?? ''"));
    }

    [Fact]
    public async Task A_multiclass_and_a_regression_model_chosen_in_the_list_show_their_own_answers()
    {
        await using var page = await ChromiumPage.OpenAsync(Width, Height);
        await page.NavigateAsync(new Uri(system.Host.BaseAddress, $"/try/?model={TryItHost.Multiclass}"));
        await WaitForStateAsync(page, "key-needed");
        await EnterKeyAsync(page, TestKeys.Admin);
        await WaitForStateAsync(page, "ready");
        Assert.Equal((TryItHost.Multiclass, "multiclass"), (await TextAsync(page, "document.body.dataset.model"), await TextAsync(page, "document.body.dataset.task")));

        // Multiclass: the predicted label and its probability, and every label's, as the API answers the same record.
        await page.TypeAsync("[data-field='x'] input", "9");
        await page.SetValueAsync("[data-field='color'] select", "green");
        await PredictAsync(page, "predicted");
        var weather = (await system.PredictAsync(TryItHost.Multiclass, new { x = 9, color = "green" })).Json();
        var label = weather.GetProperty("label").GetString()!;
        Assert.Equal(label, await TextAsync(page, "document.getElementById('prediction-label').textContent"));
        Assert.Equal(weather.GetProperty("probability").GetDouble(), double.Parse(await TextAsync(page, "document.getElementById('prediction-probability').dataset.probability"), CultureInfo.InvariantCulture), 6);
        Assert.StartsWith($"Probability of {label}:", await TextAsync(page, "document.querySelector('.probability').textContent"), StringComparison.Ordinal);
        var expected = weather.GetProperty("probabilities").EnumerateObject().Select(entry => (entry.Name, entry.Value.GetDouble())).ToList();
        Assert.Equal(["low", "middle", "high"], expected.Select(entry => entry.Name));  // the card's labels, in its order
        var shown = (await page.EvaluateAsync("[...document.querySelectorAll('#probabilities tr')].map(row => [row.dataset.label, Number(row.dataset.probability)])"))!.AsArray()
            .Select(row => (row![0]!.GetValue<string>(), row[1]!.GetValue<double>())).ToList();
        Assert.Equal(expected.Select(entry => entry.Name), shown.Select(entry => entry.Item1));
        foreach (var ((_, want), (_, got)) in expected.Zip(shown))
            Assert.Equal(want, got, 6);

        // Regression, chosen in the list: the address follows, and the form is the other model's (x is clipped, not refused).
        await page.SetValueAsync("#model-select", TryItHost.Regression);
        await page.WaitUntilAsync($"document.body.dataset.state === 'ready' && document.body.dataset.model === '{TryItHost.Regression}'", Deadlines.DistributedState, "the regression model's form");
        Assert.EndsWith($"/try/?model={TryItHost.Regression}", await TextAsync(page, "location.href"), StringComparison.Ordinal);
        var fields = await FieldsAsync(page);
        Assert.Contains("moved to the nearest bound", fields.Single(field => field["field"]!.GetValue<string>() == "x")["hint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["north", "south"], fields.Single(field => field["field"]!.GetValue<string>() == "region")["options"]!.AsArray().Select(option => option!.GetValue<string>()));

        await page.TypeAsync("[data-field='x'] input", "150");
        await page.SetValueAsync("[data-field='region'] select", "south");
        await PredictAsync(page, "predicted");
        var price = (await system.PredictAsync(TryItHost.Regression, new { x = 150, region = "south" })).Json();
        Assert.Equal(price.GetProperty("value").GetDouble(), double.Parse(await TextAsync(page, "document.getElementById('prediction-value').dataset.value"), CultureInfo.InvariantCulture), 6);
        Assert.Equal(0, (await page.EvaluateAsync("document.querySelectorAll('#prediction-label, #prediction-probability').length"))!.GetValue<int>());
        Assert.Equal(
            new Uri(system.Host.BaseAddress, $"/dashboard/#model={TryItHost.Regression}&version=1").ToString(),
            await TextAsync(page, "document.getElementById('monitoring-link').href"));
    }

    [Fact]
    public async Task The_page_is_open_and_served_with_its_types_caching_headers_and_a_redirect()
    {
        // No credential and no redirects followed: what a browser gets before anyone types a key.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = system.Host.BaseAddress };
        var address = system.Host.BaseAddress;

        foreach (var (path, target) in new[] { ("/try", "/try/"), ($"/try?model={TestModel.Name}", $"/try/?model={TestModel.Name}") })
        {
            using var redirect = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal(new Uri(address, target), new Uri(new Uri(address, path), redirect.Headers.Location!));
        }

        using var page = await client.GetAsync(new Uri("/try/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(("text/html", "utf-8"), (page.Content.Headers.ContentType?.MediaType, page.Content.Headers.ContentType?.CharSet));
        Assert.True(page.Headers.CacheControl?.NoCache, "The page must be revalidated (Cache-Control: no-cache).");
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        foreach (var directive in new[] { "default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "form-action 'none'" })
            Assert.Contains(directive, policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);

        var etag = page.Headers.ETag ?? throw new Xunit.Sdk.XunitException("The page has no ETag.");
        using var revalidation = new HttpRequestMessage(HttpMethod.Get, new Uri("/try/", UriKind.Relative));
        revalidation.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(revalidation);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // The page loads its two files, relative to it, and nothing from anywhere else.
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        var files = LinkedFiles().Matches(html).Select(match => match.Groups["file"].Value).ToList();
        Assert.Equal(["try.css", "try.js"], files.Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            using var response = await client.GetAsync(new Uri($"/try/{file}", UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/try/{file}: {(int)response.StatusCode}");
            Assert.Equal(file.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : "text/css", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.ETag);
        }

        using var missing = await client.GetAsync(new Uri("/try/missing.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    private static Task WaitForStateAsync(ChromiumPage page, string state) =>
        page.WaitUntilAsync($"document.body.dataset.state === '{state}'", Deadlines.DistributedState, $"data-state={state}");

    private static async Task EnterKeyAsync(ChromiumPage page, string key)
    {
        await page.WaitUntilAsync("!document.getElementById('key-section').hidden", Deadlines.DistributedState, "its key form");
        await page.TypeAsync("#key-input", key);
        await page.ClickAsync("#key-button");
    }

    private static async Task FillAsync(ChromiumPage page, string origin, string destination, string distance, string? date)
    {
        await page.SetValueAsync("[data-field='origin'] select", origin);
        await page.SetValueAsync("[data-field='destination'] select", destination);
        await page.TypeAsync("[data-field='distance'] input", distance);
        if (date is not null)
            await page.SetValueAsync("[data-field='date'] input", date);
    }

    // Clicks Predict and waits for the page's answer (it goes through 'predicting', so no earlier state can pass for it).
    private static async Task PredictAsync(ChromiumPage page, string expected)
    {
        await page.ClickAsync("#predict-button");
        await page.WaitUntilAsync(
            "['predicted', 'invalid', 'forbidden', 'key-needed', 'error'].includes(document.body.dataset.state) && !document.getElementById('predict-button').disabled",
            Deadlines.DistributedState, "an answer to Predict");
        var state = await TextAsync(page, "document.body.dataset.state");
        if (state != expected)
            throw page.Failure($"Predict ended in data-state={state}, not {expected}: {await TextAsync(page, "document.body.dataset.error ?? document.getElementById('status').textContent")}");
    }

    private static async Task AssertKeyOnlyInSessionStorageAsync(ChromiumPage page, string key)
    {
        Assert.Equal(key, await TextAsync(page, "sessionStorage.getItem('mlp-try-key') ?? ''"));
        var address = await TextAsync(page, "location.href");
        var cookies = await TextAsync(page, "document.cookie");
        if (address.Contains(key, StringComparison.Ordinal) || cookies.Contains(key, StringComparison.Ordinal))
            throw page.Failure($"The key must be neither in the address ({address}) nor in a cookie ({cookies}).");
    }

    // Each field as the page drew it: its input's tag, type, range and options, its marks, hint and error.
    private static async Task<List<JsonObject>> FieldsAsync(ChromiumPage page) =>
        [.. (await page.EvaluateAsync("""
            [...document.querySelectorAll('#fields .field')].map(field => {
              const input = field.querySelector('input, select');
              return {
                field: field.dataset.field,
                tag: input.tagName.toLowerCase(),
                type: input.type,
                min: input.getAttribute('min'),
                max: input.getAttribute('max'),
                options: input.tagName === 'SELECT' ? [...input.options].map(option => option.value).filter(value => value !== '') : null,
                required: field.querySelector('label .required') !== null,
                hint: field.querySelector('.hint').textContent,
                error: field.querySelector('.field-error').textContent,
                invalid: input.getAttribute('aria-invalid') === 'true',
              };
            })
            """))!.AsArray().Select(field => field!.AsObject())];

    private static async Task<string> TextAsync(ChromiumPage page, string expression) =>
        (await page.EvaluateAsync(expression))?.GetValue<string>() ?? throw page.Failure($"{expression} has no value.");

    private static async Task<bool> TrueAsync(ChromiumPage page, string expression) =>
        (await page.EvaluateAsync($"Boolean({expression})"))?.GetValue<bool>() == true;

    [GeneratedRegex("(?:src|href)=\"(?<file>[a-z]+\\.(?:js|css))\"", RegexOptions.CultureInvariant)]
    private static partial Regex LinkedFiles();
}
