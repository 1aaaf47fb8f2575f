using System.Net.Http.Headers;
using Integration.Tests.Online;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The embedded host (every service in one process, in-memory bus) on a copy of the test models folder, for models of
/// other tasks than the flights' binary one: count windows of 100 and live references of 100 predictions. The flights
/// model serves first, so the registry and Inference are up when a test registers its own model.
/// </summary>
public sealed class TaskMonitoringSystem : IAsyncLifetime
{
    /// <summary>Predictions a live reference is built from (<c>Monitoring__LiveReferenceRows</c>).</summary>
    public const int LiveReferenceRows = 100;

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"it-task-monitoring-{Guid.NewGuid():N}");
    private string? _modelsFolder;

    /// <summary>The host.</summary>
    public ServiceProcess Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _modelsFolder = await TestModel.CopyOfModelsFolderAsync();
        Host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Registry__ModelsFolder"] = _modelsFolder,
            ["Storage__DataFolder"] = _dataFolder,
            ["Monitoring__CountWindow"] = "100",
            ["Monitoring__LiveReferenceRows"] = $"{LiveReferenceRows}",
            ["FeatureBuilder__InferenceTimeout"] = "00:00:30",
        });
        await Host.WaitUntilLiveAsync(Deadlines.ProcessStart);
        await Poll.PostUntilOkAsync(Host.Client, $"/api/v1/models/{TestModel.Name}/predict",
            new { date = "2001-01-03T07:45:00", origin = "ORD", destination = "LAX", distance = 1744 }, Deadlines.ProcessStart, Host.Failure);
    }

    /// <summary>Registers a version: its card, its ONNX file and, when given, a CSV file of reference records.</summary>
    public async Task<HttpResponseMessage> RegisterAsync(string model, string card, byte[] onnx, string? referenceCsv)
    {
        using var content = new MultipartFormDataContent();
        var cardPart = new StringContent(card);
        cardPart.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Add(cardPart, "card", "model-card.json");
        content.Add(new ByteArrayContent(onnx), "onnx", "model.onnx");
        if (referenceCsv is not null)
        {
            var file = new StringContent(referenceCsv);
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content.Add(file, "reference", "reference.csv");
        }

        return await Host.Client.PostAsync(new Uri($"/api/v1/models/{model}/versions", UriKind.Relative), content);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        foreach (var folder in new[] { _dataFolder, _modelsFolder })
        {
            if (folder is not null && Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
