using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Retrainer.Tests.Endpoints;

/// <summary>
/// Reference files and training datasets made to break a reader: a CSV field or a JSON line far beyond
/// <c>Registry:MaxRecordBytes</c>, a CSV record of a million fields, Parquet files whose row count is a lie. Each is
/// answered 400 naming the part, with the version's card, the training dataset and the models folder as they were, the
/// service still serving.
/// </summary>
public sealed class CraftedRecordsTests(RetrainerHost host) : IClassFixture<RetrainerHost>
{
    private const string ReferencePath = $"{RetrainerHost.VersionsPath}/1/reference";
    private const string DatasetPath = $"/api/v1/models/{RetrainerHost.Model}/training-dataset";
    private readonly IReadOnlyList<string> _before = host.ModelsFolderEntries();

    public static TheoryData<string, string> Files => new()
    {
        { "csv-field", "longer than 4096 characters (Registry:MaxRecordBytes)" },
        { "csv-fields", "longer than 4096 characters (Registry:MaxRecordBytes)" },
        { "jsonl-line", "longer than 4096 bytes (Registry:MaxRecordBytes)" },
        { "parquet-claims-too-many-rows", "says it has 8000 rows of 2 columns" },
        { "parquet-claims-rows-it-has-not", "Row group 0 of the Parquet input cannot be read" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_crafted_reference_file_is_refused_and_the_version_is_unchanged(string file, string reason)
    {
        using var response = await host.Client.PutAsync(new Uri(ReferencePath, UriKind.Relative), await ContentAsync(file));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await ErrorOfAsync(response, "reference"), StringComparison.Ordinal);
        using var card = await host.Client.GetAsync(new Uri($"{RetrainerHost.VersionsPath}/1/card", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, card.StatusCode);
        Assert.False(JsonDocument.Parse(await card.Content.ReadAsStringAsync()).RootElement.TryGetProperty("reference", out _));
        Assert.Equal(_before, host.ModelsFolderEntries());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_crafted_training_dataset_is_refused_and_nothing_is_kept(string file, string reason)
    {
        using var response = await host.Client.PutAsync(new Uri(DatasetPath, UriKind.Relative), await ContentAsync(file));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await ErrorOfAsync(response, "dataset"), StringComparison.Ordinal);
        using var dataset = await host.Client.GetAsync(new Uri(DatasetPath, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, dataset.StatusCode);
        Assert.Equal(_before, host.ModelsFolderEntries());
    }

    private static async Task<HttpContent> ContentAsync(string file)
    {
        var (bytes, mediaType) = file switch
        {
            "csv-field" => (Encoding.UTF8.GetBytes($"x,y\n1,3\n\"{new string('7', 4 * 1024 * 1024)}\",5\n"), "text/csv"),
            "csv-fields" => (Encoding.UTF8.GetBytes($"x,y\n1,3\n2{new string(',', 1024 * 1024)}\n"), "text/csv"),
            "jsonl-line" => (Encoding.UTF8.GetBytes($"{{\"x\":1,\"y\":3,\"pad\":\"{new string('a', 8 * 1024 * 1024)}\"}}\n"), "application/jsonl"),
            "parquet-claims-too-many-rows" => (await CraftedRecordFiles.LyingParquetAsync(rows: 64, claimedRows: 8_000), "application/vnd.apache.parquet"),
            _ => (await CraftedRecordFiles.LyingParquetAsync(rows: 64, claimedRows: 100), "application/vnd.apache.parquet"),
        };
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, string field)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out var messages), $"no error under {field}: {problem.RootElement}");
        return string.Join(" | ", messages.EnumerateArray().Select(message => message.GetString()));
    }
}
