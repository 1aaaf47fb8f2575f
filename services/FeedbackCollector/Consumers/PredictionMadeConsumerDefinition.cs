using MassTransit;

namespace FeedbackCollector.Consumers;

/// <summary>Batches of up to 500 predictions, or whatever arrived within 50 ms.</summary>
public sealed class PredictionMadeConsumerDefinition : ConsumerDefinition<PredictionMadeConsumer>
{
    private const int BatchSize = 500;

    /// <summary>Prefetches enough messages to fill two batches.</summary>
    public PredictionMadeConsumerDefinition() => Endpoint(endpoint => endpoint.PrefetchCount = BatchSize * 2);

    /// <inheritdoc />
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<PredictionMadeConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        consumerConfigurator.Options<BatchOptions>(options => options
            .SetMessageLimit(BatchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(50))
            .SetConcurrencyLimit(1));
    }
}
