using System.Text.Json;
using FeedbackCollector.Consumers;
using FeedbackCollector.Ingest;
using FeedbackCollector.Outcomes;
using FeedbackCollector.Predictions;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Tests.Consumers;

/// <summary>
/// An outcome event that does not carry a trusted broker user's <c>user_id</c> is refused with the reason and nothing
/// of it is stored. (Off RabbitMQ no message has a <c>user_id</c>; the trusted path runs in
/// <c>Integration.Tests/Feedback/DistributedFeedbackTests</c> on a real broker.)
/// </summary>
public sealed class IngestedOutcomeConsumerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly StorageOptions _storage = new() { DataFolder = Path.Combine(Path.GetTempPath(), $"ingested-outcomes-{Guid.NewGuid():N}") };
    private EmbeddedDatabase? _database;
    private ServiceProvider? _services;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _database = TestDatabases.Embedded(_storage);
        _services = new ServiceCollection()
            .AddSingleton(Options.Create(new FeedbackOptions()))
            .AddSingleton(new PredictionStore(_database))
            .AddSingleton(new OutcomeStore(_database))
            .AddSingleton(TimeProvider.System)
            .AddSingleton<FeedbackMetrics>()
            .AddSingleton<OutcomeJoiner>()
            .AddMetrics()
            .AddLogging()
            // Without its definition: the harness delivers the message as any bus message, not from platform.ingest.
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<IngestedOutcomeConsumer>();
                // Every wait here is for something that must happen: it ends when it happens, not after a quiet moment of
                // a busy machine (the inactivity timeout, 1.2 s by default, ended it before the consumer had faulted).
                bus.SetTestTimeouts(testTimeout: Timeout, testInactivityTimeout: Timeout);
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
    public async Task A_valid_outcome_without_user_id_is_refused_with_the_reason_and_not_stored()
    {
        var outcome = JsonSerializer.Deserialize<IngestedOutcome>("""{"outcomeId":"no-user-1","model":"flight-delay","entityKey":"UA1","value":12}""")!;

        await _harness.Bus.Publish(outcome);

        Assert.True(await _harness.Published.Any<Fault<IngestedOutcome>>(), "the consumer did not fault");
        // What has been published so far (a cancelled token: no waiting for more).
        var fault = _harness.Published.Select<Fault<IngestedOutcome>>(new CancellationToken(canceled: true)).Single().Context.Message;
        var exception = Assert.Single(fault.Exceptions);
        Assert.Equal(typeof(InvalidMessageException).FullName, exception.ExceptionType);
        Assert.Contains("without the AMQP property user_id", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Feedback:TrustedBrokerUsers: platform-external", exception.Message, StringComparison.Ordinal);
        var store = _services!.GetRequiredService<OutcomeStore>();
        Assert.Null(await store.FindAsync("no-user-1", CancellationToken.None));
        Assert.Equal(0, (await store.CountAsync(CancellationToken.None)).Total.Received);
    }
}
