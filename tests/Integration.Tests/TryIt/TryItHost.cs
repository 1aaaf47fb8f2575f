using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.TryIt;

/// <summary>
/// The embedded host (security on: the tests' admin key is its first key) serving the test model (binary), and two small
/// linear models registered at the start: <see cref="Multiclass"/> and <see cref="Regression"/>, so the page is tried on
/// each kind of answer. Ready once each is described by FeatureBuilder and loaded by Inference. Nothing is retrained.
/// </summary>
public sealed class TryItHost : IAsyncLifetime
{
    /// <summary>A multiclass model: low, middle or high from x in [0, 10] and a colour (red, green).</summary>
    public const string Multiclass = "try-weather";

    /// <summary>A regression model: a price from x in [0, 100] and a region (north, south).</summary>
    public const string Regression = "try-price";

    private const string MulticlassCard = $$"""
        {
          "name": "{{Multiclass}}",
          "version": "1",
          "task": "multiclass",
          "description": "How warm it will be.",
          "features": [
            { "name": "x", "kind": "numeric", "min": 0, "max": 10 },
            { "name": "color", "kind": "categorical", "vocabulary": ["red", "green"], "encoding": "oneHot" }
          ],
          "input": { "name": "features", "columns": ["x", "color=red", "color=green", "color=<unknown>"] },
          "output": { "probability": "probabilities", "labels": ["low", "middle", "high"] },
          "label": { "field": "kind" }
        }
        """;

    private const string RegressionCard = $$"""
        {
          "name": "{{Regression}}",
          "version": "1",
          "task": "regression",
          "description": "A price.",
          "features": [
            { "name": "x", "kind": "numeric", "min": 0, "max": 100, "whenOutOfRange": "clip" },
            { "name": "region", "kind": "categorical", "vocabulary": ["north", "south"] }
          ],
          "input": { "name": "features", "columns": ["x", "region"] },
          "output": { "score": "value" },
          "label": { "field": "price" }
        }
        """;

    private string? _modelsFolder;

    /// <summary>The host.</summary>
    public ServiceProcess Host { get; private set; } = null!;

    /// <summary>The test model's description as the API gives it (<c>GET /api/v1/models/{model}</c>).</summary>
    public JsonElement Description { get; private set; }

    public async Task InitializeAsync()
    {
        // A copy: the registry writes the two versions registered below into its folder.
        _modelsFolder = await TestModel.CopyOfModelsFolderAsync();
        Host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Registry__ModelsFolder"] = _modelsFolder,
            ["Retraining__Enabled"] = "false",
        });
        await Host.WaitUntilLiveAsync(Deadlines.ProcessStart);
        await Poll.PostUntilOkAsync(Host.Client, $"/api/v1/models/{TestModel.Name}/predict", DistributedSystem.ExampleRecord, Deadlines.ProcessStart, Host.Failure);
        Description = await Poll.GetJsonAsync(Host.Client, $"/api/v1/models/{TestModel.Name}", _ => true, Deadlines.DistributedState, Host.Failure);

        // Scores per label linear in x (low 5 − 1.5x, middle 0, high 1.5x − 10); the price is 2x + 5·region + 1.
        var weights = new float[4, 3];
        (weights[0, 0], weights[0, 2]) = (-1.5f, 1.5f);
        await RegisterAsync(Multiclass, MulticlassCard, LinearOnnxModel.Multiclass(weights, [5f, 0f, -10f]));
        await RegisterAsync(Regression, RegressionCard, LinearOnnxModel.Regression([2f, 5f], 1f));
    }

    /// <summary>
    /// Creates a key with <paramref name="scopes"/> (with the admin key) and waits until the host takes it; returns the key.
    /// </summary>
    public async Task<string> CreateKeyAsync(string name, params string[] scopes)
    {
        using var created = await Host.Client.PostAsJsonAsync(new Uri("/api/v1/keys", UriKind.Relative), new { name, scopes });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
        var key = body.GetProperty("key").GetString()!;
        await Security.OperationWalk.UntilKnownAsync(Host.BaseAddress, "/api/v1/models", key, Host.Failure);
        return key;
    }

    /// <summary>What the API answers <paramref name="record"/> with for <paramref name="model"/> (as the admin), for comparing with what the page shows.</summary>
    public async Task<HttpAnswer> PredictAsync(string model, object record)
    {
        using var response = await Host.Client.PostAsJsonAsync(new Uri($"/api/v1/models/{model}/predict", UriKind.Relative), record);
        return new HttpAnswer(response.StatusCode, response.Headers, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
            await Host.DisposeAsync();
        if (_modelsFolder is not null && Directory.Exists(_modelsFolder))
            Directory.Delete(_modelsFolder, recursive: true);
    }

    // Version 1 of a new model serves at once: ready when FeatureBuilder describes it and Inference has loaded it.
    private async Task RegisterAsync(string model, string card, byte[] onnx)
    {
        using (var content = new MultipartFormDataContent())
        {
            var cardPart = new StringContent(card);
            cardPart.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            content.Add(cardPart, "card", "model-card.json");
            content.Add(new ByteArrayContent(onnx), "onnx", "model.onnx");
            using var registered = await Host.Client.PostAsync(new Uri($"/api/v1/models/{model}/versions", UriKind.Relative), content);
            Assert.True(registered.IsSuccessStatusCode, $"Registering {model}: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
        }

        await Poll.GetJsonAsync(Host.Client, $"/api/v1/models/{model}", _ => true, Deadlines.DistributedState, Host.Failure);
        await Poll.UntilAsync(async () =>
        {
            using var ready = await Host.Client.GetAsync(new Uri($"/v2/models/{model}/ready", UriKind.Relative));
            return ready.IsSuccessStatusCode;
        }, Deadlines.DistributedState, $"{model} to be served", Host.Failure);
    }
}
