using FeatureBuilder.Batches;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Modeling.Records;
using ServiceDefaults.Storage;

namespace FeatureBuilder.Tests.Batches;

/// <summary>Finished batches are deleted with their results and their uploaded input once their retention is over, not before.</summary>
public sealed class BatchRetentionTests : IDisposable
{
    private static readonly DateTimeOffset Finished = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"batch-retention-{Guid.NewGuid():N}");

    [Fact]
    public async Task An_expired_batch_is_deleted_with_its_upload_and_a_named_input_file_is_left_alone()
    {
        var options = Options.Create(new BatchOptions { UploadFolder = Path.Combine(_folder, "uploads"), Retention = TimeSpan.FromDays(1) });
        using var database = new EmbeddedDatabase(new StorageOptions { DataFolder = _folder }.DatabasePathOf(FeatureBuilderService.StoreName));
        var store = new BatchStore(database);
        var inputs = new BatchInputs(options);
        var uploaded = await SubmitAsync(store, inputs, isUploaded: true);
        var named = await SubmitAsync(store, inputs, isUploaded: false);
        var running = await SubmitAsync(store, inputs, isUploaded: true, finish: false);
        var retention = new BatchRetention(store, inputs, options, TimeProvider.System, NullLogger<BatchRetention>.Instance);

        Assert.Equal(0, await retention.SweepAsync(Finished.AddDays(1).AddSeconds(-1), CancellationToken.None));
        Assert.Equal(2, await retention.SweepAsync(Finished.AddDays(1), CancellationToken.None));

        Assert.Null(await store.FindAsync(uploaded.Id, CancellationToken.None));
        Assert.False(File.Exists(uploaded.InputPath));
        Assert.Null(await store.FindAsync(named.Id, CancellationToken.None));
        Assert.True(File.Exists(named.InputPath));
        Assert.NotNull(await store.FindAsync(running.Id, CancellationToken.None));
        Assert.True(File.Exists(running.InputPath));
    }

    [Fact]
    public async Task An_expired_batch_whose_upload_folder_is_gone_is_deleted_and_the_sweep_goes_on_to_the_next()
    {
        var options = Options.Create(new BatchOptions { UploadFolder = Path.Combine(_folder, "uploads"), Retention = TimeSpan.FromDays(1) });
        using var database = new EmbeddedDatabase(new StorageOptions { DataFolder = _folder }.DatabasePathOf(FeatureBuilderService.StoreName));
        var store = new BatchStore(database);
        var inputs = new BatchInputs(options);
        var first = await SubmitAsync(store, inputs, isUploaded: true);
        var second = await SubmitAsync(store, inputs, isUploaded: true);
        Directory.Delete(Path.GetDirectoryName(first.InputPath)!, recursive: true);
        var retention = new BatchRetention(store, inputs, options, TimeProvider.System, NullLogger<BatchRetention>.Instance);

        Assert.Equal(2, await retention.SweepAsync(Finished.AddDays(1), CancellationToken.None));

        Assert.Null(await store.FindAsync(first.Id, CancellationToken.None));
        Assert.Null(await store.FindAsync(second.Id, CancellationToken.None));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private async Task<Batch> SubmitAsync(BatchStore store, BatchInputs inputs, bool isUploaded, bool finish = true)
    {
        var id = Guid.CreateVersion7();
        string path;
        if (isUploaded)
        {
            using var body = new MemoryStream("origin\nORD\n"u8.ToArray());
            path = (await inputs.SaveUploadAsync(id, RecordFormat.Csv, body, CancellationToken.None)).Path;
        }
        else
        {
            Directory.CreateDirectory(_folder);
            path = Path.Combine(_folder, $"named-{id:N}.csv");
            await File.WriteAllTextAsync(path, "origin\nORD\n");
        }

        var batch = Batch.Submitted(id, "flight-delay", "1", "{}", RecordFormat.Csv, "input.csv", path, isUploaded, Finished);
        await store.CreateAsync(batch, CancellationToken.None);
        if (finish)
            await store.FinishReadingAsync(id, new BatchCheckpoint(0, 1, 1, 1, []), Finished, TimeSpan.FromDays(1), CancellationToken.None);
        return batch;
    }
}
