using Contracts.Predictions;
using MassTransit;
using Monitor.Windows;

namespace Monitor.Consumers;

/// <summary>Counts the predictions of every request (online, event, tensor) into their version's windows.</summary>
public sealed class PredictionsMadeConsumer(TrafficRecorder recorder) : IConsumer<PredictionsMade>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<PredictionsMade> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return recorder.RecordAsync(context.Message.Predictions ?? [], context.CancellationToken);
    }
}
