using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Tests.Online;

namespace Integration.Tests.Registry;

/// <summary>
/// The model registry driven through the gateway of the distributed mode (Retrainer, FeatureBuilder, two Inference
/// replicas, RabbitMQ between them): upload a version (ONNX + card), list, read, download, move the champion and
/// see every replica switch, delete; and the problem details of uploads that are refused. The tests share the
/// distributed system with others: what they register, move and delete is a model of their own (the test model
/// under another name).
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class RegistryApiTests(SharedSystem system)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task An_uploaded_version_is_listed_and_downloaded_and_serves_only_once_it_is_the_champion()
    {
        var uploads = await UploadsAsync(RegistryUploads.NewModelName("registry"));
        var (versionsPath, aliasesPath) = (uploads.VersionsPath, uploads.AliasesPath);
        var onnx = uploads.Onnx;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(onnx));

        // The model's first version is its champion at once, and serves once every replica has loaded it.
        using (var first = await uploads.UploadAsync(system.Client, uploads.Card("1"), onnx))
            await ReadJsonAsync(first, HttpStatusCode.Created);
        await WaitUntilServedByAsync(uploads, "1");

        // Register: 201 with the version, which does not serve yet.
        using var uploaded = await uploads.UploadAsync(system.Client, uploads.Card("2"), onnx);
        var created = await ReadJsonAsync(uploaded, HttpStatusCode.Created);
        Assert.Equal($"{versionsPath}/2", uploaded.Headers.Location?.OriginalString);
        Assert.Equal("2", created.GetProperty("version").GetString());
        Assert.False(created.GetProperty("serving").GetBoolean());
        Assert.Equal(sha256, created.GetProperty("sha256").GetString());
        Assert.Equal(sha256, created.GetProperty("card").GetProperty("artifact").GetProperty("sha256").GetString());

        // List: newest first, version 1 still the champion and serving.
        var list = await GetJsonAsync(versionsPath);
        Assert.Equal("1", list.GetProperty("servedVersion").GetString());
        Assert.Equal("1", list.GetProperty("aliases").GetProperty("champion").GetString());
        var versions = list.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["2", "1"], versions.Select(version => version.GetProperty("version").GetString()));
        Assert.Equal([false, true], versions.Select(version => version.GetProperty("serving").GetBoolean()));
        Assert.Equal(["champion"], versions[1].GetProperty("aliases").EnumerateArray().Select(alias => alias.GetString()));
        Assert.Equal(onnx.LongLength, versions[0].GetProperty("sizeBytes").GetInt64());
        Assert.Equal("binary", versions[0].GetProperty("summary").GetProperty("task").GetString());
        Assert.Equal("external", versions[0].GetProperty("lineage").GetProperty("trigger").GetString());
        Assert.True(versions[0].GetProperty("metrics").GetProperty("holdout").GetProperty("auc").GetDouble() > 0.5);
        Assert.False(versions[0].TryGetProperty("card", out _), "a list leaves the whole cards out");

        // One version with its whole card; the card alone.
        var version2 = await GetJsonAsync($"{versionsPath}/2");
        Assert.Equal(uploads.Model, version2.GetProperty("card").GetProperty("name").GetString());
        var card = await GetJsonAsync($"{versionsPath}/2/card");
        Assert.Equal("2", card.GetProperty("version").GetString());
        Assert.Equal(sha256, card.GetProperty("artifact").GetProperty("sha256").GetString());

        // The ONNX file for an edge device: the exact bytes, named, with its checksum as ETag.
        using (var artifact = await system.Client.GetAsync(new Uri($"{versionsPath}/2/artifact", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, artifact.StatusCode);
            Assert.Equal("application/octet-stream", artifact.Content.Headers.ContentType?.MediaType);
            Assert.Equal($"\"{sha256}\"", artifact.Headers.ETag?.Tag);
            Assert.Equal($"{uploads.Model}-2.onnx", artifact.Content.Headers.ContentDisposition?.FileNameStar ?? artifact.Content.Headers.ContentDisposition?.FileName);
            Assert.Equal(onnx, await artifact.Content.ReadAsByteArrayAsync());
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{versionsPath}/2/artifact", UriKind.Relative)))
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{sha256}\""));
            using var unchanged = await system.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        }

        // Registering did not move traffic.
        for (var attempt = 0; attempt < 5; attempt++)
            Assert.Equal("1", await PredictedVersionAsync(uploads));

        // The champion cannot be deleted; the problem says why.
        using (var refused = await system.Client.DeleteAsync(new Uri($"{versionsPath}/1", UriKind.Relative)))
        {
            var problem = await ReadJsonAsync(refused, HttpStatusCode.Conflict);
            Assert.Contains("champion", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(["champion"], problem.GetProperty("aliases").EnumerateArray().Select(alias => alias.GetString()));
        }

        // Move the champion: every replica switches to version 2.
        using (var moved = await system.Client.PutAsJsonAsync(new Uri($"{aliasesPath}/champion", UriKind.Relative), new { version = "2" }))
        {
            var alias = await ReadJsonAsync(moved, HttpStatusCode.OK);
            Assert.Equal(("2", "1"), (alias.GetProperty("version").GetString(), alias.GetProperty("previousVersion").GetString()));
        }

        await WaitUntilServedByAsync(uploads, "2");

        // Now version 2 is the one in use, and version 1 may go.
        using (var refused = await system.Client.DeleteAsync(new Uri($"{versionsPath}/2", UriKind.Relative)))
        {
            var problem = await ReadJsonAsync(refused, HttpStatusCode.Conflict);
            Assert.Contains("champion", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var deleted = await system.Client.DeleteAsync(new Uri($"{versionsPath}/1", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        var after = await GetJsonAsync(versionsPath);
        Assert.Equal(["2"], after.GetProperty("versions").EnumerateArray().Select(version => version.GetProperty("version").GetString()));
        using var gone = await system.Client.GetAsync(new Uri($"{versionsPath}/1/artifact", UriKind.Relative));
        await ReadJsonAsync(gone, HttpStatusCode.NotFound);
        var aliases = await GetJsonAsync(aliasesPath);
        Assert.Equal("2", aliases.GetProperty("servedVersion").GetString());
        Assert.Equal(["champion:2"], aliases.GetProperty("aliases").EnumerateArray().Select(alias => $"{alias.GetProperty("alias").GetString()}:{alias.GetProperty("version").GetString()}"));
    }

    [Fact]
    public async Task Uploads_that_do_not_fit_are_refused_with_problem_details_naming_the_field()
    {
        var uploads = await UploadsAsync(RegistryUploads.NewModelName("refused"));
        var onnx = uploads.Onnx;
        using (var first = await uploads.UploadAsync(system.Client, uploads.Card("1"), onnx))
            await ReadJsonAsync(first, HttpStatusCode.Created);

        // The card has one feature (and input column) fewer than the ONNX input takes.
        await AssertRefusedAsync(uploads, 
            uploads.Card("20", card =>
            {
                var features = card["features"]!.AsArray();
                features.RemoveAt(features.Select(feature => feature!["name"]!.GetValue<string>()).ToList().IndexOf("distance"));
                var columns = card["input"]!["columns"]!.AsArray();
                columns.RemoveAt(columns.Select(column => column!.GetValue<string>()).ToList().IndexOf("distance"));
                card["reference"]!["columns"] = new JsonArray([.. card["reference"]!["columns"]!.AsArray().Where(column => column!["column"]!.GetValue<string>() != "distance").Select(column => column!.DeepClone())]);
            }),
            onnx,
            "card.input.columns");

        await AssertRefusedAsync(uploads, uploads.Card("21", card => card["input"]!["name"] = "input"), onnx, "card.input.name");
        await AssertRefusedAsync(uploads, uploads.Card("22"), Encoding.UTF8.GetBytes("this is not an ONNX model"), "onnx");
        await AssertRefusedAsync(uploads, uploads.Card("23", card => card["output"]!["probability"] = "probabilities"), onnx, "card.output.probability");
        await AssertRefusedAsync(uploads, uploads.Card("24", card => card["name"] = "another-model"), onnx, "card.name");
        await AssertRefusedAsync(uploads, uploads.Card("25", card => card["vocabluary"] = "typo"), onnx, "card.vocabluary");
        await AssertRefusedAsync(uploads, uploads.Card("26"), null, "onnx");
        await AssertRefusedAsync(uploads, null, onnx, "card");

        // An existing version: 409.
        using (var existing = await uploads.UploadAsync(system.Client, uploads.Card("1"), onnx))
        {
            var problem = await ReadJsonAsync(existing, HttpStatusCode.Conflict);
            Assert.Equal("tag:ml-platform,2025:problems/conflict", problem.GetProperty("type").GetString());
        }

        // Not multipart: 415.
        using (var json = await system.Client.PostAsJsonAsync(new Uri(uploads.VersionsPath, UriKind.Relative), new { card = "{}" }))
            await ReadJsonAsync(json, HttpStatusCode.UnsupportedMediaType);

        // None of them was registered.
        foreach (var version in new[] { "20", "21", "22", "23", "24", "25", "26" })
        {
            using var response = await system.Client.GetAsync(new Uri($"{uploads.VersionsPath}/{version}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Aliases_are_validated_and_the_champion_is_moved_not_removed()
    {
        // The test model's aliases: every request is refused, nothing changes.
        var uploads = await UploadsAsync(TestModel.Name);
        using (var badName = await system.Client.PutAsJsonAsync(new Uri($"{uploads.AliasesPath}/Not%20An%20Alias", UriKind.Relative), new { version = "1" }))
            Assert.True((await ReadJsonAsync(badName, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("alias", out _));
        using (var noVersion = await system.Client.PutAsJsonAsync(new Uri($"{uploads.AliasesPath}/challenger", UriKind.Relative), new { version = "404" }))
            Assert.True((await ReadJsonAsync(noVersion, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("version", out _));
        using (var champion = await system.Client.DeleteAsync(new Uri($"{uploads.AliasesPath}/champion", UriKind.Relative)))
            await ReadJsonAsync(champion, HttpStatusCode.Conflict);
        using (var unknownModel = await system.Client.GetAsync(new Uri("/api/v1/models/no-such-model/versions", UriKind.Relative)))
            await ReadJsonAsync(unknownModel, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_public_API_document_describes_the_registry_next_to_the_other_model_endpoints()
    {
        // The gateway leaves out a service that does not answer within its document timeout (a busy machine)
        // and builds the document again after its cache duration (30 s).
        var clock = Stopwatch.StartNew();
        List<string> paths = [];
        do
        {
            if (await Poll.TryGetJsonAsync(system.Client, "/openapi/public.json", message => system.Failure(message)) is { } document)
            {
                paths = [.. document.GetProperty("paths").EnumerateObject().Select(path => path.Name)];
                if (paths.Contains("/api/v1/models/{model}/versions") && paths.Contains("/api/v1/models/{model}/predict"))
                    break;
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        while (clock.Elapsed < Deadlines.DistributedState);

        Assert.Contains("/api/v1/models/{model}/versions", paths);
        Assert.Contains("/api/v1/models/{model}/versions/{version}/artifact", paths);
        Assert.Contains("/api/v1/models/{model}/aliases/{alias}", paths);
        Assert.Contains("/api/v1/models/{model}/predict", paths);
    }

    private static async Task<RegistryUploads> UploadsAsync(string model) => new(await TestModel.ModelsFolderAsync(), model);

    private async Task AssertRefusedAsync(RegistryUploads uploads, string? card, byte[]? onnx, string field)
    {
        using var response = await uploads.UploadAsync(system.Client, card, onnx);
        var problem = await ReadJsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("tag:ml-platform,2025:problems/validation-failed", problem.GetProperty("type").GetString());
        var fields = problem.GetProperty("errors").EnumerateObject().Select(error => error.Name).ToList();
        Assert.True(fields.Contains(field), $"expected an error for '{field}', got: {problem}");
    }

    private async Task<string> PredictedVersionAsync(RegistryUploads uploads)
    {
        using var response = await system.PostAsync(uploads.PredictPath, DistributedSystem.ExampleRecord);
        return (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("version").GetString()!;
    }

    // Both replicas and FeatureBuilder follow the registry on their own: wait until ten predictions in a row
    // come from the new version. A model registered moments ago is unknown (404) until FeatureBuilder hears of it.
    private async Task WaitUntilServedByAsync(RegistryUploads uploads, string version)
    {
        var predictPath = uploads.PredictPath;
        var clock = Stopwatch.StartNew();
        var inARow = 0;
        var last = "";
        while (clock.Elapsed < Deadlines.DistributedState)
        {
            string? answered = null;
            try
            {
                using var response = await system.PostAsync(predictPath, DistributedSystem.ExampleRecord);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode == HttpStatusCode.OK)
                    answered = JsonDocument.Parse(last[4..]).RootElement.GetProperty("version").GetString();
                else if (!Poll.IsTransient(response.StatusCode) && response.StatusCode != HttpStatusCode.NotFound)
                    throw system.Failure($"POST {predictPath} answered {last}");
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // The client's timeout while the machine is busy: not switched yet, as far as the test knows.
                last = exception.Message;
            }

            inARow = answered == version ? inARow + 1 : 0;
            if (inARow == 10)
                return;
            await Task.Delay(inARow == 0 ? PollInterval : TimeSpan.FromMilliseconds(20));
        }

        throw system.Failure($"Predictions did not come from version {version} within {Deadlines.DistributedState.TotalSeconds:0} s; last answer: {last}");
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await system.Client.GetAsync(new Uri(path, UriKind.Relative));
        return await ReadJsonAsync(response, HttpStatusCode.OK);
    }

    private async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            throw system.Failure($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
