using System.Collections.Concurrent;
using System.Diagnostics;
using Contracts.Predictions;
using FeedbackCollector.Consumers;
using FeedbackCollector.Outcomes;
using FeedbackCollector.Predictions;
using FeedbackCollector.Tests.Predictions;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Tests.Consumers;

/// <summary>The consumer logs each prediction once, in batches; a malformed event goes to the error queue alone.</summary>
public sealed class PredictionsMadeConsumerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly StorageOptions _storage = new() { DataFolder = Path.Combine(Path.GetTempPath(), $"predictions-consumer-{Guid.NewGuid():N}") };
    private EmbeddedDatabase? _database;
    private RecordingPredictions _log = null!;
    private ServiceProvider? _services;
    private ITestHarness _harness = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    // Each test starts the bus itself: one of them sets the batch time limit.
    private async Task StartAsync(FeedbackOptions? options = null)
    {
        _database = TestDatabases.Embedded(_storage);
        _services = new ServiceCollection()
            .AddSingleton(Options.Create(options ?? new FeedbackOptions()))
            .AddSingleton(new PredictionStore(_database.Wrapping<PredictionMade>(predictions => _log = new RecordingPredictions(predictions))))
            .AddSingleton(new OutcomeStore(_database))
            .AddSingleton(TimeProvider.System)
            .AddSingleton<FeedbackMetrics>()
            .AddSingleton<OutcomeJoiner>()
            .AddMetrics()
            .AddLogging()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<PredictionsMadeConsumer, PredictionsMadeConsumerDefinition>();
                // How long a positive check of the harness may wait; generous for a busy machine.
                bus.SetTestTimeouts(testTimeout: Timeout);
            })
            .BuildServiceProvider(validateScopes: true);
        _harness = _services.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _harness.Stop();
            await _services.DisposeAsync();
        }

        _database?.Dispose();

        if (Directory.Exists(_storage.DataFolder))
            Directory.Delete(_storage.DataFolder, recursive: true);
    }

    [Fact]
    public async Task A_redelivered_prediction_is_logged_once_and_nothing_faults()
    {
        await StartAsync();
        var prediction = SamplePredictions.Of("UA123", SamplePredictions.Start);

        await _harness.Bus.Publish(new PredictionsMade([prediction]));
        await WaitUntilAsync(() => _log.Stored.ContainsKey(prediction.PredictionId));
        await _harness.Bus.Publish(new PredictionsMade([prediction]));
        await WaitUntilAsync(() => _log.Calls == 2);

        Assert.Single(_log.Stored);
        Assert.Equal([1, 0], _log.Added);
        Assert.False(await _harness.Published.Any<Fault<PredictionsMade>>());
        Assert.False(await _harness.Published.Any<Fault<Batch<PredictionsMade>>>());
    }

    [Fact]
    public async Task A_malformed_event_goes_to_the_error_queue_with_the_reason_and_the_rest_of_its_batch_is_logged()
    {
        await StartAsync();
        var good = SamplePredictions.Of("UA123", SamplePredictions.Start);
        var alsoGood = SamplePredictions.Of("UA124", SamplePredictions.Start);
        var malformed = SamplePredictions.Of("UA125", SamplePredictions.Start) with { ModelName = null! };

        await _harness.Bus.Publish(new PredictionsMade([good, malformed, alsoGood]));
        await WaitUntilAsync(() => _log.Stored.Count == 2);

        Assert.True(_log.Stored.ContainsKey(good.PredictionId));
        Assert.True(_log.Stored.ContainsKey(alsoGood.PredictionId));
        Assert.False(_log.Stored.ContainsKey(malformed.PredictionId));
        Assert.False(await _harness.Published.Any<Fault<PredictionsMade>>());
        Assert.True(await _harness.Sent.Any<PredictionsMade>(sent => sent.Context.Message.Predictions.Single().PredictionId == malformed.PredictionId
            && sent.Context.DestinationAddress!.AbsolutePath.EndsWith("_error", StringComparison.Ordinal)
            && sent.Context.Headers.Get<string>("MT-Reason") == "PredictionMade has no modelName"));
    }

    [Fact]
    public async Task Predictions_published_together_are_written_in_batches()
    {
        // A batch holds what arrived within its time limit of its first message: 50 ms by default, which a busy
        // machine may spend delivering a few. With 2 s, more than 20 writes would take deliveries spread over 40 s.
        await StartAsync(new FeedbackOptions { PredictionBatchTimeLimit = TimeSpan.FromSeconds(2) });
        var predictions = Enumerable.Range(0, 200).Select(row => SamplePredictions.Of($"E{row}", SamplePredictions.Start)).ToArray();

        await _harness.Bus.PublishBatch(predictions.Select(prediction => new PredictionsMade([prediction])));
        await WaitUntilAsync(() => _log.Stored.Count == predictions.Length);

        // One call per event would be 200; the definition's batching must cut that by far.
        Assert.True(_log.Calls <= 20, $"{predictions.Length} predictions took {_log.Calls} writes");
        Assert.True(_log.Added.Max() <= PredictionsMadeConsumerDefinition.MessageLimit);
    }

    [Fact]
    public async Task The_predictions_of_one_request_arrive_in_one_message_and_are_written_together()
    {
        await StartAsync();
        var predictions = Enumerable.Range(0, 100).Select(row => SamplePredictions.Of($"R{row}", SamplePredictions.Start)).ToArray();

        await _harness.Bus.Publish(new PredictionsMade(predictions));
        await WaitUntilAsync(() => _log.Stored.Count == predictions.Length);

        Assert.Equal(1, _log.Calls);
        Assert.False(await _harness.Published.Any<Fault<Batch<PredictionsMade>>>());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Timeout)
                throw new TimeoutException("The consumer did not log the predictions in time.");
            await Task.Delay(20);
        }
    }

    /// <summary>The log's collection, recording each write (the log writes a batch of predictions with one insert).</summary>
    private sealed class RecordingPredictions(IDocuments<PredictionMade> inner) : ForwardingDocuments<PredictionMade>(inner)
    {
        private readonly Lock _lock = new();

        public ConcurrentDictionary<Guid, PredictionMade> Stored { get; } = new();

        public ConcurrentQueue<int> Added { get; } = new();

        public int Calls => Added.Count;

        public override async Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<PredictionMade> documents, CancellationToken cancellationToken)
        {
            var inserted = await base.InsertManyAsync(documents, cancellationToken);
            lock (_lock)
            {
                for (var index = 0; index < documents.Count; index++)
                {
                    if (inserted[index])
                        Stored.TryAdd(documents[index].PredictionId, documents[index]);
                }

                Added.Enqueue(inserted.Count(isNew => isNew));
            }

            return inserted;
        }
    }
}
