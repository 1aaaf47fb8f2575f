using MassTransit;

namespace Retrainer.Consumers;

/// <summary>Names the audit log's queue after the service that keeps it.</summary>
public sealed class AuditRecordedConsumerDefinition : ConsumerDefinition<AuditRecordedConsumer>
{
    /// <summary>Queue <c>retrainer-audit</c>.</summary>
    public AuditRecordedConsumerDefinition() => EndpointName = "retrainer-audit";
}
