using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Integration.Tests.Online;
using Parquet;

namespace Integration.Tests.Batches;

/// <summary>
/// The batch API of the embedded default (every service in one process, in-memory bus): every input form,
/// every result format, the refusals a client can act on, listing and deleting.
/// </summary>
public sealed class EmbeddedBatchTests(EmbeddedBatchTests.Host host) : IClassFixture<EmbeddedBatchTests.Host>
{
    private const string BatchesPath = $"/api/v1/models/{TestModel.Name}/batches";

    [Fact]
    public async Task A_json_lines_body_is_scored_and_its_unreadable_lines_are_listed_with_the_reason()
    {
        const string Lines = """
            {"origin":"ORD","destination":"LAX","distance":1744,"date":"2001-02-03T07:45:00","entityKey":"A1"}
            not json
            {"origin":"ATL","destination":"BOS","distance":-5,"date":"2001-02-03T07:45:00"}
            {"origin":"ATL","destination":"BOS","distance":946,"date":"2001-03-01T18:30:00"}
            """;

        var status = await SubmitAndWaitAsync(new StringContent(Lines, Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal("jsonl", status.GetProperty("input").GetProperty("format").GetString());
        var results = (await GetStringAsync(status, "results", "?format=jsonl")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal([1L, 4L], results.Select(row => row.GetProperty("row").GetInt64()));
        Assert.Equal("A1", results[0].GetProperty("entityKey").GetString());
        Assert.False(results[1].TryGetProperty("entityKey", out _));
        var errors = (await GetStringAsync(status, "errors", "")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal([2L, 3L], errors.Select(row => row.GetProperty("row").GetInt64()));
        Assert.Equal("invalid_json", errors[0].GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("distance", errors[1].GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_named_input_file_is_read_in_place_and_its_results_come_as_csv_json_lines_or_parquet_alike()
    {
        using var named = JsonContent.Create(new { inputFile = Host.NamedInput });
        var status = await SubmitAndWaitAsync(named);

        Assert.Equal(Host.NamedInput, status.GetProperty("input").GetProperty("name").GetString());
        Assert.False(status.GetProperty("input").GetProperty("uploaded").GetBoolean());
        var csv = (await GetStringAsync(status, "results", "")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(',')).ToList();
        Assert.Equal(BatchInputs.ValidRows(Host.NamedInputRows, 50).Select(row => row.ToString(System.Globalization.CultureInfo.InvariantCulture)), csv.Select(fields => fields[0]));

        // Accept chooses the format when there is no ?format=.
        using var request = new HttpRequestMessage(HttpMethod.Get, Link(status, "results"));
        request.Headers.Accept.ParseAdd("application/vnd.apache.parquet");
        using var parquet = await host.Process.Client.SendAsync(request);
        Assert.Equal("application/vnd.apache.parquet", parquet.Content.Headers.ContentType?.MediaType);
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(await parquet.Content.ReadAsByteArrayAsync()));
        var labels = new List<string>();
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var values = new string[rowGroup.RowCount];
            await rowGroup.ReadAsync(reader.Schema.GetDataFields().Single(field => field.Name == "label"), values, null);
            labels.AddRange(values);
        }

        Assert.Equal(csv.Select(fields => fields[2]), labels);
        Assert.True(File.Exists(Path.Combine(host.InputFolder, Host.NamedInput)), "A named input file is never deleted.");
    }

    [Fact]
    public async Task Batches_are_listed_newest_first_and_a_deleted_one_is_gone_with_its_upload()
    {
        var first = await SubmitAndWaitAsync(new StringContent(BatchInputs.Csv(10, 1000), Encoding.UTF8, "text/csv"));
        var second = await SubmitAndWaitAsync(new StringContent(BatchInputs.Csv(10, 1000), Encoding.UTF8, "text/csv"));

        var listed = JsonDocument.Parse(await host.Process.Client.GetStringAsync(new Uri(BatchesPath, UriKind.Relative))).RootElement
            .GetProperty("batches").EnumerateArray().Select(batch => batch.GetProperty("id").GetString()).ToList();
        Assert.True(listed.IndexOf(second.GetProperty("id").GetString()) < listed.IndexOf(first.GetProperty("id").GetString()));

        var uploads = Directory.GetFiles(host.UploadFolder, $"{Guid.Parse(first.GetProperty("id").GetString()!):N}.*");
        Assert.Single(uploads);
        using var deleted = await host.Process.Client.DeleteAsync(new Uri(Link(first, "self"), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await host.Process.Client.GetAsync(new Uri(Link(first, "self"), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.False(File.Exists(uploads[0]));
        using var results = await host.Process.Client.GetAsync(new Uri(Link(first, "results"), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, results.StatusCode);
    }

    [Theory]
    [InlineData("text/plain", "hello", null, 415, null)]
    [InlineData("text/csv", "origin\nORD\n", "xml", 400, "format")]
    [InlineData("text/csv", "", null, 400, "body")]
    [InlineData("application/json", """{"inputFile":"../secrets.csv"}""", null, 400, "inputFile")]
    [InlineData("application/json", """{"inputFile":"missing.csv"}""", null, 400, "inputFile")]
    [InlineData("application/json", """{}""", null, 400, "inputFile")]
    public async Task A_batch_that_cannot_be_read_is_refused_with_a_problem_naming_the_field(
        string contentType, string body, string? format, int status, string? field)
    {
        var path = format is null ? BatchesPath : $"{BatchesPath}?format={format}";
        using var content = new StringContent(body, Encoding.UTF8, contentType);

        using var response = await host.Process.Client.PostAsync(new Uri(path, UriKind.Relative), content);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        if (field is not null)
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task An_unknown_model_or_batch_is_not_found_and_a_malformed_batch_id_is_a_bad_request()
    {
        using var csv = new StringContent("origin\nORD\n", Encoding.UTF8, "text/csv");
        using var unknownModel = await host.Process.Client.PostAsync(new Uri("/api/v1/models/no-such-model/batches", UriKind.Relative), csv);
        using var unknownBatch = await host.Process.Client.GetAsync(new Uri($"{BatchesPath}/{Guid.CreateVersion7()}", UriKind.Relative));
        using var malformed = await host.Process.Client.GetAsync(new Uri($"{BatchesPath}/not-an-id/results", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, unknownModel.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownBatch.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("\"id\"", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> SubmitAndWaitAsync(HttpContent content)
    {
        using var submitted = await host.Process.Client.PostAsync(new Uri(BatchesPath, UriKind.Relative), content);
        var body = await submitted.Content.ReadAsStringAsync();
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, body);
        var location = submitted.Headers.Location!.ToString();
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < Deadlines.LongWork)
        {
            if (await Poll.TryGetJsonAsync(host.Process.Client, location, message => host.Process.Failure(message), answer => last = answer) is { } status)
            {
                if (status.GetProperty("state").GetString() == "completed")
                    return status;
                Assert.NotEqual("failed", status.GetProperty("state").GetString());
                last = status.ToString();
            }

            await Task.Delay(100);
        }

        throw host.Process.Failure($"Batch {location} did not complete within {Deadlines.LongWork.TotalSeconds:0} s; last: {last}");
    }

    private async Task<string> GetStringAsync(JsonElement status, string link, string query)
    {
        using var response = await host.Process.Client.GetAsync(new Uri(Link(status, link) + query, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body;
    }

    private static string Link(JsonElement status, string name) => status.GetProperty("links").GetProperty(name).GetString()!;

    /// <summary>The embedded host with an input folder holding one CSV, and its own data and models folders.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public const string NamedInput = "named.csv";
        public const int NamedInputRows = 1_234;

        private readonly string _root = Path.Combine(Path.GetTempPath(), $"it-batches-{Guid.NewGuid():N}");
        private string? _modelsFolder;

        public ServiceProcess Process { get; private set; } = null!;

        public string InputFolder => Path.Combine(_root, "inputs");

        public string UploadFolder => Path.Combine(_root, "uploads");

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(InputFolder);
            await File.WriteAllTextAsync(Path.Combine(InputFolder, NamedInput), BatchInputs.Csv(NamedInputRows, 50));
            await File.WriteAllTextAsync(Path.Combine(_root, "secrets.csv"), "origin\nORD\n");
            // The host's registry may write to its folder (a retrained version, aliases): a copy of its own.
            _modelsFolder = await TestModel.CopyOfModelsFolderAsync();
            Process = ServiceProcess.Start("Embedded", new Dictionary<string, string>
            {
                ["Messaging__Transport"] = "InMemory",
                ["Registry__ModelsFolder"] = _modelsFolder,
                ["Storage__DataFolder"] = Path.Combine(_root, "store"),
                ["Batches__InputFolder"] = InputFolder,
                ["Batches__UploadFolder"] = UploadFolder,
                ["Batches__ChunkSize"] = "100",
            });
            await Process.WaitUntilLiveAsync(Deadlines.ProcessStart);
            await Process.WaitForStatusAsync($"/api/v1/models/{TestModel.Name}", HttpStatusCode.OK, Deadlines.ProcessStart);
        }

        public async Task DisposeAsync()
        {
            await Process.DisposeAsync();
            foreach (var folder in new[] { _root, _modelsFolder })
            {
                if (folder is not null && Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }
    }
}
