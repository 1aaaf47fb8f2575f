using Contracts.Monitoring;
using MassTransit;
using Monitor.Computational;
using ServiceDefaults;

namespace Monitor.Consumers;

/// <summary>
/// Counts the request metrics every service reports into the <see cref="ServiceTrafficAggregator"/>. A copy of a
/// report already counted (a redelivery) changes nothing; a malformed one goes to the error queue with the reason.
/// </summary>
public sealed class RequestMetricsReportedConsumer(ServiceTrafficAggregator traffic) : IConsumer<RequestMetricsReported>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<RequestMetricsReported> context)
    {
        if (RequestMetricsReportCheck.ProblemOf(context.Message) is { } problem)
            throw new InvalidMessageException(problem);
        traffic.Add(context.Message);
        return Task.CompletedTask;
    }
}
