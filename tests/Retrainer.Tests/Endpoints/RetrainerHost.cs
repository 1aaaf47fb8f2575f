using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Retrainer.Tests.Endpoints;

/// <summary>
/// The Retrainer on an in-process host, with a store, a models folder and a temporary folder of its own (deleted on
/// dispose), on the in-memory bus, without the demo model and without automatic retraining; and a team's own regression
/// model, "parcel-weight" (<c>value = 2 × x + 1</c>, written without ML.NET), whose version 1 it registers first.
/// One per test class (<c>IClassFixture</c>).
/// </summary>
public sealed class RetrainerHost : IAsyncLifetime
{
    /// <summary>The model's name.</summary>
    public const string Model = "parcel-weight";

    /// <summary>The path of the model's versions.</summary>
    public const string VersionsPath = $"/api/v1/models/{Model}/versions";

    /// <summary>The largest ONNX file the host accepts (<c>Registry:MaxUploadBytes</c>).</summary>
    public const int MaxOnnxBytes = 64 * 1024;

    /// <summary>The longest record of a reference file or training dataset the host reads (<c>Registry:MaxRecordBytes</c>; its row groups hold at most 4096 values).</summary>
    public const int MaxRecordBytes = 4096;

    private readonly WebApplicationFactory<Program> _factory;

    public RetrainerHost()
    {
        Directory.CreateDirectory(ModelsFolder);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Messaging:Transport", "InMemory")
                .UseSetting("Storage:DataFolder", Path.Combine(Folder, "store"))
                .UseSetting("Registry:ModelsFolder", ModelsFolder)
                .UseSetting("Registry:BootstrapDemoModel", "false")
                .UseSetting("Retraining:Enabled", "false")
                .UseSetting("Registry:MaxUploadBytes", MaxOnnxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .UseSetting("Registry:MaxRecordBytes", MaxRecordBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .UseSetting("Registry:MaxRowGroupValues", "4096")
                .UseSetting("Security:AdminKeyFile", TestKeys.AdminKeyFile);
        });
        Client = TestKeys.Authorized(_factory.CreateClient());
        TestKeys.Trust(_factory.Services);
    }

    /// <summary>The host's own folder.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"retrainer-host-{Guid.NewGuid():N}");

    /// <summary>The registry's models folder.</summary>
    public string ModelsFolder => Path.Combine(Folder, "models");

    /// <summary>A client of the host.</summary>
    public HttpClient Client { get; }

    /// <summary>The model's ONNX file.</summary>
    public static byte[] Onnx { get; } = LinearOnnxModel.Regression([2f], 1f);

    /// <summary>The model's card as <paramref name="version"/>.</summary>
    public static string Card(string version = "1", string name = Model) => $$"""
        {
          "schemaVersion": 1,
          "name": "{{name}}",
          "version": "{{version}}",
          "task": "regression",
          "features": [ { "name": "x", "kind": "numeric", "min": 0, "max": 100 } ],
          "input": { "name": "features", "columns": ["x"] },
          "output": { "score": "value" },
          "label": { "field": "y" }
        }
        """;

    /// <summary>A multipart body with a <c>card</c> and an <c>onnx</c> part, and a <c>reference</c> part when given.</summary>
    public static MultipartFormDataContent Multipart(string card, byte[] onnx, (byte[] Content, string FileName)? reference = null)
    {
        var content = new MultipartFormDataContent();
        var cardPart = new StringContent(card);
        cardPart.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Add(cardPart, "card", "model-card.json");
        var onnxPart = new ByteArrayContent(onnx);
        onnxPart.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(onnxPart, "onnx", "model.onnx");
        if (reference is { } records)
            content.Add(new ByteArrayContent(records.Content), "reference", records.FileName);
        return content;
    }

    /// <summary>Registers a version of the model.</summary>
    public async Task<HttpResponseMessage> RegisterAsync(string card, byte[] onnx, (byte[] Content, string FileName)? reference = null)
    {
        using var content = Multipart(card, onnx, reference);
        return await Client.PostAsync(new Uri(VersionsPath, UriKind.Relative), content);
    }

    /// <summary>Every file and folder under the models folder, relative to it, in order: what a refused request must not change.</summary>
    public IReadOnlyList<string> ModelsFolderEntries() =>
        [.. Directory.EnumerateFileSystemEntries(ModelsFolder, "*", SearchOption.AllDirectories).Select(entry => Path.GetRelativePath(ModelsFolder, entry)).Order(StringComparer.Ordinal)];

    public async Task InitializeAsync()
    {
        using var registered = await RegisterAsync(Card("1"), Onnx);
        if (registered.StatusCode != System.Net.HttpStatusCode.Created)
            throw new InvalidOperationException($"Version 1 was not registered: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }
}
