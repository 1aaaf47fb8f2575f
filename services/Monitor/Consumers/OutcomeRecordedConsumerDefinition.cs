using MassTransit;

namespace Monitor.Consumers;

/// <summary>Names Monitor's queue of outcomes after the service: the Retrainer keeps the same events for training.</summary>
public sealed class OutcomeRecordedConsumerDefinition : ConsumerDefinition<OutcomeRecordedConsumer>
{
    /// <summary>Names the queue.</summary>
    public OutcomeRecordedConsumerDefinition() => EndpointName = "monitor-outcome-recorded";
}
