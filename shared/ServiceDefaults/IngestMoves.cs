using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Transports;
using RabbitMQ.Client;

namespace ServiceDefaults;

/// <summary>
/// How an ingest queue's refused messages reach its error queue (and unconsumed ones its dead-letter queue): as
/// MassTransit moves them, body, properties and headers unchanged, except the AMQP property <c>user_id</c>, which moves
/// to the header <see cref="PublicIngest.PublisherHeader"/>. RabbitMQ refuses any message whose <c>user_id</c> is not the
/// publishing connection's user: a message an external system published with its own <c>user_id</c> could never be moved
/// by the service's user, and would be delivered again and again instead of reaching the error queue.
/// </summary>
internal static class IngestMoves
{
    /// <summary>Makes <paramref name="endpoint"/>'s error and dead-letter pipes move messages without <c>user_id</c>.</summary>
    public static void Configure(IReceiveEndpointConfigurator endpoint)
    {
        // A configured error pipe replaces MassTransit's default one (fault event, then the error transport): the same two steps.
        endpoint.ConfigureError(error =>
        {
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });
        endpoint.ConfigureDeadLetter(deadLetter => deadLetter.UseFilter(new DeadLetterTransportFilter()));
    }

    /// <summary><paramref name="properties"/> without <c>user_id</c>, the user kept in <see cref="PublicIngest.PublisherHeader"/>.</summary>
    public static IReadOnlyBasicProperties MovedProperties(IReadOnlyBasicProperties properties)
    {
        var moved = new BasicProperties(properties);
        if (properties.UserId is { Length: > 0 } user)
        {
            moved.Headers = new Dictionary<string, object?>(properties.Headers ?? new Dictionary<string, object?>(), StringComparer.Ordinal)
            {
                [PublicIngest.PublisherHeader] = user,
            };
            moved.UserId = null;
        }

        return moved;
    }

    private sealed class ErrorTransportFilter : IFilter<ExceptionReceiveContext>
    {
        public void Probe(ProbeContext context) => context.CreateFilterScope("moveFaultWithoutUserId");

        public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
        {
            if (!context.TryGetPayload(out IErrorTransport? transport))
                throw new TransportException(context.InputAddress, $"The {nameof(IErrorTransport)} was not available on the {nameof(ReceiveContext)}.");
            await transport.Send(new ExceptionWithoutUserId(context)).ConfigureAwait(false);
            await next.Send(context).ConfigureAwait(false);
        }
    }

    private sealed class DeadLetterTransportFilter : IFilter<ReceiveContext>
    {
        public void Probe(ProbeContext context) => context.CreateFilterScope("deadLetterWithoutUserId");

        public async Task Send(ReceiveContext context, IPipe<ReceiveContext> next)
        {
            if (!context.TryGetPayload(out IDeadLetterTransport? transport))
                throw new TransportException(context.InputAddress, $"The {nameof(IDeadLetterTransport)} was not available on the {nameof(ReceiveContext)}.");
            await transport.Send(new WithoutUserId(context), "dead-letter").ConfigureAwait(false);
            await next.Send(context).ConfigureAwait(false);
        }
    }

    // The received message as the transport moves it: its RabbitMQ delivery with the properties above.
    private class WithoutUserId : ReceiveContextProxy
    {
        private readonly ReceiveContext _received;

        public WithoutUserId(ReceiveContext received)
            : base(received)
        {
            _received = received;
        }

        public override bool TryGetPayload<TPayload>(out TPayload payload)
            where TPayload : class
        {
            if (typeof(TPayload) == typeof(RabbitMqBasicConsumeContext) && _received.TryGetPayload(out RabbitMqBasicConsumeContext? delivery))
            {
                payload = (TPayload)(object)new Delivery(delivery, MovedProperties(delivery.Properties));
                return true;
            }

            return base.TryGetPayload(out payload);
        }
    }

    private sealed class ExceptionWithoutUserId : WithoutUserId, ExceptionReceiveContext
    {
        private readonly ExceptionReceiveContext _faulted;

        public ExceptionWithoutUserId(ExceptionReceiveContext faulted)
            : base(faulted)
        {
            _faulted = faulted;
        }

        public Exception Exception => _faulted.Exception;

        public DateTime ExceptionTimestamp => _faulted.ExceptionTimestamp;

        public ExceptionInfo ExceptionInfo => _faulted.ExceptionInfo;

        public SendHeaders ExceptionHeaders => _faulted.ExceptionHeaders;
    }

    private sealed class Delivery(RabbitMqBasicConsumeContext delivery, IReadOnlyBasicProperties properties) : RabbitMqBasicConsumeContext
    {
        public string Exchange => delivery.Exchange;

        public string ConsumerTag => delivery.ConsumerTag;

        public ulong DeliveryTag => delivery.DeliveryTag;

        public IReadOnlyBasicProperties Properties => properties;

        public string? RoutingKey => delivery.RoutingKey;
    }
}
