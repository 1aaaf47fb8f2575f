using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Registry;

/// <summary>The embedded default serves the same registry API: an upload registers, and moving the champion switches predictions.</summary>
public sealed class EmbeddedRegistryTests
{
    [Fact]
    public async Task The_embedded_host_accepts_an_uploaded_version_and_serves_it_once_it_is_the_champion()
    {
        var models = await TestModel.CopyOfModelsFolderAsync();
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-embedded-registry-{Guid.NewGuid():N}");
        var uploads = new RegistryUploads(models);
        try
        {
            await using var host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
            {
                ["Messaging__Transport"] = "InMemory",
                ["Registry__ModelsFolder"] = models,
                ["Storage__DataFolder"] = dataFolder,
            });
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            Assert.Equal("1", await PredictedVersionAsync(host, Deadlines.ProcessStart));

            using (var uploaded = await uploads.UploadAsync(host.Client, uploads.Card("2"), uploads.Onnx))
            {
                var body = await uploaded.Content.ReadAsStringAsync();
                Assert.True(uploaded.StatusCode == HttpStatusCode.Created, $"{(int)uploaded.StatusCode} {body}");
            }

            // The embedded registry keeps the files of the new version as a bundle folder in the models folder.
            Assert.True(File.Exists(Path.Combine(models, TestModel.Name, "2", "model-card.json")));
            var list = JsonDocument.Parse(await host.WaitForStatusAsync(uploads.VersionsPath, HttpStatusCode.OK, Deadlines.DistributedState)).RootElement;
            Assert.Equal(["2", "1"], list.GetProperty("versions").EnumerateArray().Select(version => version.GetProperty("version").GetString()));
            Assert.Equal("1", list.GetProperty("servedVersion").GetString());

            using (var moved = await host.Client.PutAsJsonAsync(new Uri($"{uploads.AliasesPath}/champion", UriKind.Relative), new { version = "2" }))
                Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

            var clock = Stopwatch.StartNew();
            string version;
            do
            {
                version = await PredictedVersionAsync(host, Deadlines.DistributedState);
                if (version == "2")
                    break;
                await Task.Delay(200);
            }
            while (clock.Elapsed < Deadlines.DistributedState);

            Assert.True(version == "2", $"predictions still come from version {version}\n{host.Output}");
        }
        finally
        {
            foreach (var folder in new[] { dataFolder, models })
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task<string> PredictedVersionAsync(ServiceProcess host, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var response = await host.Client.PostAsJsonAsync(new Uri($"/api/v1/models/{TestModel.Name}/predict", UriKind.Relative), DistributedSystem.ExampleRecord);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode == HttpStatusCode.OK)
                    return JsonDocument.Parse(last[4..]).RootElement.GetProperty("version").GetString()!;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // The client's timeout while the machine is busy: no answer yet.
                last = exception.Message;
            }

            await Task.Delay(200);
        }

        throw host.Failure($"The embedded host did not serve a prediction within {timeout.TotalSeconds:0} s; last answer: {last}");
    }
}
