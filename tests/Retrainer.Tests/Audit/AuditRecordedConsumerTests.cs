using Contracts.Security;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Retrainer.Audit;
using Retrainer.Consumers;
using ServiceDefaults;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Audit;

/// <summary>
/// The Retrainer keeps every service's audit records (on the MassTransit harness, with the embedded store): a record is
/// kept once, so a redelivery changes nothing, and a record that cannot be kept is refused as invalid.
/// </summary>
public sealed class AuditRecordedConsumerTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset At = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"audit-consumer-{Guid.NewGuid():N}.db");
    private readonly EmbeddedDatabase _database;
    private readonly AuditStore _store;

    public AuditRecordedConsumerTests()
    {
        _database = new EmbeddedDatabase(_file);
        _store = new AuditStore(_database);
    }

    [Fact]
    public async Task A_record_is_kept_once_and_its_redelivery_changes_nothing()
    {
        await using var services = Services();
        var harness = services.GetRequiredService<ITestHarness>();
        await harness.Start();
        var record = Record(Guid.CreateVersion7(At), 201);

        await harness.Bus.Publish(record);
        await UntilConsumedAsync(harness, 1);
        await harness.Bus.Publish(record with { Status = 500, Outcome = AuditOutcomes.Failed });
        await UntilConsumedAsync(harness, 2);

        var kept = Assert.Single(await _store.ListAsync(new AuditQuery(null, null, null, null, null, 10), None));
        Assert.Equal((record.Id, 201, AuditOutcomes.Succeeded, "flight-delay"), (kept.Id, kept.Status, kept.Outcome, kept.RouteValues["model"]));
        await harness.Stop();
    }

    [Fact]
    public async Task A_record_without_an_id_or_a_caller_is_refused_as_invalid_and_not_kept()
    {
        await using var services = Services();
        var harness = services.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(Record(Guid.Empty, 201));
        await harness.Bus.Publish(Record(Guid.CreateVersion7(At), 201) with { Who = "" });
        var consumed = await UntilConsumedAsync(harness, 2);

        Assert.All(consumed, message => Assert.IsType<InvalidMessageException>(message.Exception));
        Assert.Empty(await _store.ListAsync(new AuditQuery(null, null, null, null, null, 10), None));
        await harness.Stop();
    }

    public void Dispose()
    {
        _database.Dispose();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
            File.Delete(file);
    }

    private ServiceProvider Services() => new ServiceCollection()
        .AddSingleton(_store)
        .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
        .AddMassTransitTestHarness(TextWriter.Null, bus => bus.AddConsumer<AuditRecordedConsumer>())
        .BuildServiceProvider(validateScopes: true);

    // Polls the consumer's harness until it has consumed (or failed) this many records; the deadline only bounds a failing test.
    private static async Task<List<IReceivedMessage<AuditRecorded>>> UntilConsumedAsync(ITestHarness harness, int count)
    {
        var consumer = harness.GetConsumerHarness<AuditRecordedConsumer>();
        var started = TimeProvider.System.GetTimestamp();
        List<IReceivedMessage<AuditRecorded>> consumed;
        while ((consumed = [.. consumer.Consumed.Select<AuditRecorded>(new CancellationToken(canceled: true))]).Count < count
               && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMinutes(1))
            await Task.Delay(20);
        Assert.Equal(count, consumed.Count);
        return consumed;
    }

    private static AuditRecorded Record(Guid id, int status) => new(
        id, At, "key:0123456789ab", "Retrainer", "DELETE", "/api/v1/models/{model}/versions/{version}", "/api/v1/models/flight-delay/versions/3",
        new Dictionary<string, string> { ["model"] = "flight-delay", ["version"] = "3" }, null, status, AuditOutcomes.Of(status), "DeleteModelVersion", null);
}
