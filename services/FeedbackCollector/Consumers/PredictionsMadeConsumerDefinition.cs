using MassTransit;
using Microsoft.Extensions.Options;

namespace FeedbackCollector.Consumers;

/// <summary>
/// The prediction log's endpoint: batches of up to <see cref="MessageLimit"/> messages (each one request's predictions), or whatever
/// arrived within <see cref="FeedbackOptions.PredictionBatchTimeLimit"/> of the first, one batch written at a time (SQLite has one writer).
/// </summary>
public sealed class PredictionsMadeConsumerDefinition : ConsumerDefinition<PredictionsMadeConsumer>
{
    /// <summary>The most messages written in one transaction.</summary>
    public const int MessageLimit = 500;

    private readonly TimeSpan _timeLimit;

    /// <summary>
    /// Names the queue after the service (Monitor and Retrainer consume <c>PredictionsMade</c> too, and a
    /// shared <c>predictions-made</c> queue would make the services compete for events instead of each
    /// getting all of them), and prefetches two batches: one filling while the other is written.
    /// </summary>
    public PredictionsMadeConsumerDefinition(IOptions<FeedbackOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeLimit = options.Value.PredictionBatchTimeLimit;
        EndpointName = "feedback-collector-predictions-made";
        Endpoint(endpoint => endpoint.PrefetchCount = MessageLimit * 2);
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<PredictionsMadeConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        consumerConfigurator.Options<BatchOptions>(options => options
            .SetMessageLimit(MessageLimit)
            .SetTimeLimit(_timeLimit)
            .SetConcurrencyLimit(1));
    }
}
