using Contracts.Outcomes;
using MassTransit;
using Monitor.Windows;

namespace Monitor.Consumers;

/// <summary>Counts every joined outcome into its version's live performance.</summary>
public sealed class OutcomeRecordedConsumer(TrafficRecorder recorder) : IConsumer<OutcomeRecorded>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<OutcomeRecorded> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return recorder.RecordAsync(context.Message, context.CancellationToken);
    }
}
