using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Online;

namespace Integration.Tests.Registry;

/// <summary>
/// Model versions to upload, made from the test model's bundle (version 1 of <see cref="TestModel.Name"/> in a
/// models folder): its card as JSON, named <see cref="Model"/> and changed the way a test needs, and its ONNX file; and
/// the multipart body <c>POST /api/v1/models/{model}/versions</c> takes. A test that shares a system with others uploads
/// under a model name of its own, so that what it changes (champions, deleted versions, counts) is its own.
/// </summary>
public sealed class RegistryUploads
{
    private readonly string _cardJson;

    /// <summary>Reads version 1 now: tests may delete it from the registry later.</summary>
    /// <param name="modelsFolder">The models folder holding the test model.</param>
    /// <param name="model">The name the versions are uploaded under: the test model's own, or one of the test's.</param>
    public RegistryUploads(string modelsFolder, string model = TestModel.Name)
    {
        var bundle = Path.Combine(modelsFolder, TestModel.Name, TestModel.Version);
        _cardJson = File.ReadAllText(Path.Combine(bundle, "model-card.json"));
        Onnx = File.ReadAllBytes(Path.Combine(bundle, "model.onnx"));
        Model = model;
    }

    /// <summary>A model name no other test uses, starting with <paramref name="prefix"/>.</summary>
    public static string NewModelName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>The model the versions are uploaded under.</summary>
    public string Model { get; }

    /// <summary>The path of the model's versions.</summary>
    public string VersionsPath => $"/api/v1/models/{Model}/versions";

    /// <summary>The path of the model's aliases.</summary>
    public string AliasesPath => $"/api/v1/models/{Model}/aliases";

    /// <summary>The path of the model's online predictions.</summary>
    public string PredictPath => $"/api/v1/models/{Model}/predict";

    /// <summary>The test model's ONNX file.</summary>
    public byte[] Onnx { get; }

    /// <summary>The test model's card as <paramref name="version"/>, the checksum left out (a hand-written card has none), changed by <paramref name="change"/>.</summary>
    public string Card(string version, Action<JsonObject>? change = null)
    {
        var card = JsonNode.Parse(_cardJson)!.AsObject();
        card["name"] = Model;
        card["version"] = version;
        card["artifact"]!.AsObject().Remove("sha256");
        card["lineage"]!["trigger"] = "external";
        change?.Invoke(card);
        return card.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>A multipart body with a <c>card</c> and an <c>onnx</c> file part (either left out when null).</summary>
    public static MultipartFormDataContent Multipart(string? card, byte[]? onnx)
    {
        var content = new MultipartFormDataContent();
        if (card is not null)
        {
            var part = new StringContent(card);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            content.Add(part, "card", "model-card.json");
        }

        if (onnx is not null)
        {
            var part = new ByteArrayContent(onnx);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "onnx", "model.onnx");
        }

        return content;
    }

    /// <summary>Uploads a version of <see cref="Model"/>.</summary>
    public async Task<HttpResponseMessage> UploadAsync(HttpClient client, string? card, byte[]? onnx)
    {
        using var content = Multipart(card, onnx);
        return await client.PostAsync(new Uri(VersionsPath, UriKind.Relative), content);
    }
}
