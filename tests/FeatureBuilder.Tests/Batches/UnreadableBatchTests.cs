using System.Diagnostics;
using System.Text;
using Contracts.Models;
using FeatureBuilder.Batches;
using FeatureBuilder.Models;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Modeling.Records;
using ServiceDefaults.Storage;
using TestSupport;

namespace FeatureBuilder.Tests.Batches;

/// <summary>
/// Batches whose input cannot be read, run by FeatureBuilder's batch runner on an in-process host (its store a SQLite
/// file written before the host starts, as a restart finds it): each ends <c>failed</c> with the reason and is no longer
/// among the batches a start resumes; a batch whose reading started more often than allowed fails without being read again;
/// a Parquet upload whose footer already tells it cannot be read is refused when it is received.
/// </summary>
public sealed class UnreadableBatchTests : IAsyncDisposable
{
    private const string CardJson = """
        {
          "schemaVersion": 1, "name": "parcel-weight", "version": "1", "task": "regression",
          "features": [ { "name": "x", "kind": "numeric" } ],
          "input": { "name": "features", "columns": ["x"] },
          "output": { "score": "value" }
        }
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"unreadable-batches-{Guid.NewGuid():N}")).FullName;
    private WebApplicationFactory<Program>? _factory;

    public static TheoryData<string, string> Inputs => new()
    {
        { "csv-field", "longer than 4096 characters (Batches:MaxRecordBytes)" },
        { "csv-fields", "longer than 4096 characters (Batches:MaxRecordBytes)" },
        { "parquet-claims-too-many-rows", "says it has 8000 rows of 2 columns, more than the 4096 values a row group may hold (Batches:MaxRowGroupValues)" },
        { "parquet-claims-rows-it-has-not", "Row group 0 of the Parquet input cannot be read" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task A_batch_whose_input_cannot_be_read_ends_failed_with_the_reason_and_is_not_resumed(string input, string reason)
    {
        var (format, path) = await WriteInputAsync(input);
        var batch = Batch.Submitted(Guid.CreateVersion7(), "parcel-weight", "1", CardJson, format, Path.GetFileName(path), path, true, DateTimeOffset.UtcNow);
        await StoreBeforeStartAsync(batch);

        var failed = await WaitUntilFinishedAsync(batch.Id);

        Assert.Equal(BatchState.Failed, failed.State);
        Assert.Contains(reason, failed.Error, StringComparison.Ordinal);
        Assert.Equal(1, failed.ReadAttempts);
        Assert.Empty(await Store.ListUnfinishedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_resumed_more_often_than_allowed_fails_without_being_read_again()
    {
        var path = Path.Combine(_folder, "fine.csv");
        await File.WriteAllTextAsync(path, "x\n1\n2\n");
        var batch = Batch.Submitted(Guid.CreateVersion7(), "parcel-weight", "1", CardJson, RecordFormat.Csv, "fine.csv", path, true, DateTimeOffset.UtcNow);
        // Three starts that never reached the end of the input (the process stopped each time).
        for (var start = 0; start < 3; start++)
            batch = batch.Started(DateTimeOffset.UtcNow);
        await StoreBeforeStartAsync(batch);

        var failed = await WaitUntilFinishedAsync(batch.Id);

        Assert.Equal(BatchState.Failed, failed.State);
        Assert.Contains("started 3 times and never reached its end", failed.Error, StringComparison.Ordinal);
        Assert.Equal(0, failed.RowsRead);
        Assert.Empty(await Store.ListUnfinishedAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("parquet-claims-too-many-rows", "says it has 8000 rows of 2 columns")]
    [InlineData("not-parquet", "not a Parquet file")]
    public async Task A_parquet_upload_refused_by_its_footer_is_a_400_and_leaves_no_batch_and_no_file(string input, string reason)
    {
        await StoreBeforeStartAsync(null);
        await _factory!.Services.GetRequiredService<ServedCards>().ApplyAsync(
            new ServedModelsResponse([new ServedModel("parcel-weight", "1", CardJson, new string('0', 64))], [], DateTimeOffset.UtcNow), CancellationToken.None);
        var bytes = input == "not-parquet" ? Encoding.UTF8.GetBytes("x\n1\n") : await CraftedRecordFiles.LyingParquetAsync(rows: 64, claimedRows: 8_000);
        using var client = TestKeys.Authorized(_factory.CreateClient());
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.apache.parquet");

        using var response = await client.PostAsync(new Uri("/api/v1/models/parcel-weight/batches", UriKind.Relative), content);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, body);
        using var problem = System.Text.Json.JsonDocument.Parse(body);
        Assert.Contains(reason, problem.RootElement.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await Store.ListAsync("parcel-weight", 10, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_folder, "uploads")));
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
            await _factory.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private BatchStore Store => _factory!.Services.GetRequiredService<BatchStore>();

    private async Task<(RecordFormat Format, string Path)> WriteInputAsync(string input)
    {
        var path = Path.Combine(_folder, input);
        switch (input)
        {
            case "csv-field":
                await File.WriteAllTextAsync(path, $"x\n1\n\"{new string('7', 2 * 1024 * 1024)}\"\n3\n");
                return (RecordFormat.Csv, path);
            case "csv-fields":
                await File.WriteAllTextAsync(path, $"x\n1\n2{new string(',', 2 * 1024 * 1024)}\n3\n");
                return (RecordFormat.Csv, path);
            case "parquet-claims-too-many-rows":
                await File.WriteAllBytesAsync(path, await CraftedRecordFiles.LyingParquetAsync(rows: 64, claimedRows: 8_000));
                return (RecordFormat.Parquet, path);
            default:
                await File.WriteAllBytesAsync(path, await CraftedRecordFiles.LyingParquetAsync(rows: 64, claimedRows: 100));
                return (RecordFormat.Parquet, path);
        }
    }

    // Written into the store's file before the host starts: the runner finds it as a restart would.
    private async Task StoreBeforeStartAsync(Batch? batch)
    {
        var store = Path.Combine(_folder, "store");
        if (batch is not null)
        {
            using var database = new EmbeddedDatabase(Path.Combine(store, $"{FeatureBuilderService.StoreName}.db"), EmbeddedDatabase.UpgradesIn(typeof(BatchStore).Assembly));
            await new BatchStore(database).CreateAsync(batch, CancellationToken.None);
        }

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("Storage:DataFolder", store)
            .UseSetting("Messaging:Transport", "InMemory")
            .UseSetting("Batches:UploadFolder", Path.Combine(_folder, "uploads"))
            .UseSetting("Batches:MaxRecordBytes", "4096")
            .UseSetting("Batches:MaxRowGroupValues", "4096"));
        TestKeys.Trust(_factory.Services);
    }

    private async Task<Batch> WaitUntilFinishedAsync(Guid id)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadline)
        {
            if (await Store.FindAsync(id, CancellationToken.None) is { IsFinished: true } finished)
                return finished;
            await Task.Delay(20);
        }

        throw new TimeoutException($"Batch {id} did not finish within {Deadline.TotalSeconds:0} s.");
    }
}
