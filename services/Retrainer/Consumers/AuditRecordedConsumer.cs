using Contracts.Security;
using MassTransit;
using Retrainer.Audit;
using ServiceDefaults;

namespace Retrainer.Consumers;

/// <summary>
/// Keeps every service's <see cref="AuditRecorded"/> in the audit log (<c>GET /api/v1/audit</c>). Idempotent: an entry
/// is kept once per id, so a redelivery changes nothing. A record without an id, a caller, a method or a route can
/// never be kept and goes to the error queue at once. Queue <c>retrainer-audit</c>.
/// </summary>
public sealed partial class AuditRecordedConsumer(AuditStore store, ILogger<AuditRecordedConsumer> logger) : IConsumer<AuditRecorded>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<AuditRecorded> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entry = context.Message;
        if (entry.Id == Guid.Empty || string.IsNullOrEmpty(entry.Who) || string.IsNullOrEmpty(entry.Service) || string.IsNullOrEmpty(entry.Method)
            || string.IsNullOrEmpty(entry.Route) || entry.Path is null || entry.RouteValues is null || string.IsNullOrEmpty(entry.Outcome))
            throw new InvalidMessageException("An audit record needs an id, who, service, method, route, path, route values and outcome.");
        if (!await store.AddAsync(entry, context.CancellationToken))
            LogDuplicate(logger, entry.Id);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Audit record {Id} is kept already")]
    private static partial void LogDuplicate(ILogger logger, Guid id);
}
