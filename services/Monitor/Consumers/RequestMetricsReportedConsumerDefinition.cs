using MassTransit;

namespace Monitor.Consumers;

/// <summary>Names the queue after the service, like Monitor's other queues.</summary>
public sealed class RequestMetricsReportedConsumerDefinition : ConsumerDefinition<RequestMetricsReportedConsumer>
{
    /// <summary>The queue's name.</summary>
    public const string QueueName = "monitor-request-metrics-reported";

    /// <summary>Names the queue.</summary>
    public RequestMetricsReportedConsumerDefinition() => EndpointName = QueueName;
}
