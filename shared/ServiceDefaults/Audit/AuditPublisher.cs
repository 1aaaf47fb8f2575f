using System.Threading.Channels;
using Contracts.Security;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Audit;

/// <summary>
/// Publishes the <see cref="AuditRecorded"/> the <see cref="AuditMiddleware"/> hands it, one at a time in the order
/// they came, in the background: on the bus (for the Retrainer, which keeps the audit log) and to <c>platform.events</c>
/// as plain JSON with routing key <c>audit.&lt;outcome&gt;.&lt;service&gt;</c> (<see cref="RoutingKeyOf"/>). A call never
/// waits for the broker and never fails because of it: a record the broker does not take within
/// <see cref="PublishTimeout"/>, or one that finds <see cref="Capacity"/> records already waiting, is logged (a warning
/// with who, what and the result) and dropped. At shutdown it publishes what is waiting before the bus stops
/// (<see cref="IBusDrain"/>). One per process.
/// </summary>
public sealed partial class AuditPublisher(IServiceProvider services, TimeProvider time, ILogger<AuditPublisher> logger) : BackgroundService, IBusDrain
{
    /// <summary>How many records may wait for the broker.</summary>
    public const int Capacity = 10_000;

    /// <summary>How long a record may wait for the broker before it is dropped.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    private volatile bool _draining;

    private readonly Channel<AuditRecorded> _pending = Channel.CreateBounded<AuditRecorded>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>The routing key of <paramref name="record"/> on <c>platform.events</c>, e.g. <c>audit.refused.retrainer</c>.</summary>
    public static string RoutingKeyOf(AuditRecorded record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return $"audit.{record.Outcome}.{record.Service.ToLowerInvariant().Replace('.', '-')}";
    }

    /// <summary>Queues <paramref name="record"/> for publishing; never waits (a full queue drops it, with a warning).</summary>
    public void Enqueue(AuditRecorded record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_pending.Writer.TryWrite(record))
            LogDropped(record.Who, record.Method, record.Path, record.Status, _draining ? "the service is stopping" : "too many records are waiting for the broker");
    }

    /// <summary>
    /// Takes no more records and publishes those waiting, while the bus still runs (<see cref="BusDrains"/> calls it at
    /// shutdown, before the bus stops).
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        _pending.Writer.TryComplete();
        if (ExecuteTask is { } publishing)
            await publishing.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var record in _pending.Reader.ReadAllAsync(stoppingToken))
                await PublishAsync(record, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before the drain ended (it has a deadline): what is still waiting cannot be published.
            while (_pending.Reader.TryRead(out var record))
                LogDropped(record.Who, record.Method, record.Path, record.Status, "the service stopped");
        }
    }

    private async Task PublishAsync(AuditRecorded record, CancellationToken stoppingToken)
    {
        if (services.GetService<IBus>() is not { } bus)
        {
            LogDropped(record.Who, record.Method, record.Path, record.Status, "this host has no message bus");
            return;
        }

        using var giveUp = new CancellationTokenSource(PublishTimeout, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, giveUp.Token);
        try
        {
            await bus.Publish(record, timeout.Token);
            await PublicEvents.SendJsonAsync(bus, record, RoutingKeyOf(record), timeout.Token);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            LogDropped(record.Who, record.Method, record.Path, record.Status, "the service stopped");
        }
        catch (Exception exception)
        {
            LogNotPublished(exception, record.Who, record.Method, record.Path, record.Status);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit record of {Who} {Method} {Path} ({Status}) could not be published and is dropped")]
    private partial void LogNotPublished(Exception exception, string who, string method, string path, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit record of {Who} {Method} {Path} ({Status}) is dropped: {Reason}")]
    private partial void LogDropped(string who, string method, string path, int status, string reason);
}
