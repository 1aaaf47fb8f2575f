using ServiceDefaults.Webhooks;
using Contracts.Models;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Monitor.Alerts;
using Monitor.References;
using Monitor.Windows;
using ServiceDefaults.ServedModels;
using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

namespace Monitor.Tests.Windows;

/// <summary>
/// A version's timeline while the <see cref="BucketKeeper"/> closes its open bucket: the keeper closes the bucket
/// in memory and saves it after, so the timeline must not depend on the save having happened.
/// </summary>
public sealed class VersionTimelineTests : IAsyncLifetime
{
    private static readonly DateTimeOffset BucketStart = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "monitor-timeline-" + Guid.NewGuid().ToString("N"));
    private readonly TestClock _clock = new(BucketStart.AddSeconds(10));
    private readonly Modeling.Cards.ModelCard _card = MonitorTestData.Card(MonitorTestData.Rows(seed: 1, count: 2000, shift: false));
    private readonly HeldSaves _saves = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddHttpClient();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton(Options.Create(new MonitoringOptions { BucketDuration = TimeSpan.FromMinutes(1) }));
        services.AddKeyedSingleton<IDocumentDatabase>(MonitorService.StoreName, (_, _) => new HeldSaveDatabase(new EmbeddedDatabase(Path.Combine(_folder, "monitor.db"), EmbeddedDatabase.UpgradesIn(typeof(MonitorService).Assembly)), _saves));
        services.AddSingleton<BucketStore>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<RuleStateStore>();
        services.AddSingleton<MonitorMetrics>();
        services.AddSingleton<MonitoredVersions>();
        services.AddSingleton<IServedModelsSink>(provider => provider.GetRequiredService<MonitoredVersions>());
        services.AddSingleton(Options.Create(new ServedModelsOptions()));
        services.AddSingleton<ServedModelsSync>(); // not started: the test hands the card to MonitoredVersions itself
        services.AddSingleton<WebhookDelivery>();
        services.AddSingleton<AlertPublisher>();
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<TrafficRecorder>();
        services.AddSingleton<BucketKeeper>(); // not started: the test runs its rounds
        services.AddMassTransitTestHarness();
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<ITestHarness>().Start();
        await _services.GetRequiredService<MonitoredVersions>().ApplyAsync(new ServedModelsResponse([MonitorTestData.Served(_card)], [], _clock.GetUtcNow()), default);
    }

    public async Task DisposeAsync()
    {
        await _services.GetRequiredService<ITestHarness>().Stop();
        await _services.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_bucket_the_keeper_has_closed_but_not_saved_yet_is_in_the_timeline_with_all_its_predictions()
    {
        var keeper = _services.GetRequiredService<BucketKeeper>();
        var store = _services.GetRequiredService<BucketStore>();
        await RecordAsync(seed: 2, count: 3);
        // A round saves the open bucket as it is: three predictions.
        await keeper.TickAsync(default);
        await RecordAsync(seed: 3, count: 2);
        var windows = _services.GetRequiredService<MonitoredVersions>().Existing(_card.Name, _card.Version)!;

        // The bucket has ended; the next round closes it and is held at its save.
        _clock.Advance(TimeSpan.FromMinutes(1));
        _saves.HoldNext();
        var round = Task.Run(() => keeper.TickAsync(default));
        await _saves.Held.WaitAsync(Deadline);
        var whileSaving = await VersionTimeline.ReadAsync(windows, store, BucketStart.AddHours(-1), BucketStart.AddHours(1), default);
        _saves.Release();
        await round.WaitAsync(Deadline);
        var saved = await VersionTimeline.ReadAsync(windows, store, BucketStart.AddHours(-1), BucketStart.AddHours(1), default);

        // The closed bucket with its five predictions, and the new open one, empty.
        (DateTimeOffset, long)[] expected = [(BucketStart, 5), (BucketStart.AddMinutes(1), 0)];
        Assert.Equal(expected, whileSaving.Select(bucket => (bucket.Start, bucket.Predictions.Rows)));
        Assert.Equal(expected, saved.Select(bucket => (bucket.Start, bucket.Predictions.Rows)));
    }

    private async Task RecordAsync(int seed, int count)
    {
        var recorder = _services.GetRequiredService<TrafficRecorder>();
        foreach (var (features, probability) in MonitorTestData.Rows(seed, count, shift: false))
            await recorder.RecordAsync([MonitorTestData.Prediction(_card, features, probability, _clock.GetUtcNow())], default);
    }

    /// <summary>Holds the next bucket save after <see cref="HoldNext"/> until <see cref="Release"/>.</summary>
    private sealed class HeldSaves
    {
        private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        /// <summary>Completes when a save is held.</summary>
        public Task Held => _held.Task;

        public void HoldNext()
        {
            _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _armed, 1);
        }

        public void Release() => _released.TrySetResult();

        public Task ArriveAsync()
        {
            if (Interlocked.Exchange(ref _armed, 0) == 0)
                return Task.CompletedTask;
            _held.TrySetResult();
            return _released.Task;
        }
    }

    /// <summary>Monitor's database, holding a bucket save (the store's upsert of a bucket) when the test asks.</summary>
    private sealed class HeldSaveDatabase(EmbeddedDatabase inner, HeldSaves saves) : IDocumentDatabase, IDisposable
    {
        public IDocuments<T> Collection<T>(DocumentSchema<T> schema) =>
            schema.Name == "buckets" ? new HeldUpserts<T>(inner.Collection(schema), saves) : inner.Collection(schema);

        public void Dispose() => inner.Dispose();
    }

    /// <summary>A collection whose upserts wait at <see cref="HeldSaves.ArriveAsync"/>; everything else goes straight through.</summary>
    private sealed class HeldUpserts<T>(IDocuments<T> inner, HeldSaves saves) : IDocuments<T>
    {
        public async Task UpsertAsync(T document, CancellationToken cancellationToken)
        {
            await saves.ArriveAsync();
            await inner.UpsertAsync(document, cancellationToken);
        }

        public IAsyncEnumerable<Versioned<T>> StreamAsync(DocumentQuery query, CancellationToken cancellationToken) => inner.StreamAsync(query, cancellationToken);


        public Task<IReadOnlyDictionary<string, long>> CountByAsync(DocumentQuery query, string field, CancellationToken cancellationToken) =>
            inner.CountByAsync(query, field, cancellationToken);

        public Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<T> documents, CancellationToken cancellationToken) => inner.InsertManyAsync(documents, cancellationToken);

        public Task<bool> ReplaceAsync(T document, long revision, CancellationToken cancellationToken) => inner.ReplaceAsync(document, revision, cancellationToken);

        public Task<long> DeleteManyAsync(DocumentQuery query, CancellationToken cancellationToken) => inner.DeleteManyAsync(query, cancellationToken);
    }
}
