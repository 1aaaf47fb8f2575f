using System.Text.Json;
using Contracts.Outcomes;
using MassTransit;
using Microsoft.Extensions.Options;
using Retrainer.Retraining;

namespace Retrainer.Consumers;

/// <summary>
/// Keeps the labelled rows retraining needs from <see cref="OutcomeRecorded"/> (the prediction's raw input, what was
/// observed and who reported it), in batches, so the Retrainer never reads another service's store. Idempotent: a row is stored once per
/// model and outcome, so the champion's and a shadow's event for the same outcome, or a redelivery, add nothing.
/// Outcomes of predictions without a raw input (tensor requests) cannot be retrained on and are not kept.
/// Queue <c>retrainer-outcome-recorded</c>.
/// </summary>
public sealed partial class OutcomeRecordedConsumer(
    LabelledRowStore rows, IOptions<RetrainingOptions> options, TimeProvider time, ILogger<OutcomeRecordedConsumer> logger)
    : IConsumer<Batch<OutcomeRecorded>>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<Batch<OutcomeRecorded>> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var kept = new List<LabelledRow>(context.Message.Length);
        foreach (var message in context.Message)
        {
            var outcome = message.Message;
            if (outcome?.ModelName is not { Length: > 0 } || outcome.Input is not { ValueKind: JsonValueKind.Object } input
                || (outcome.ActualValue is null && outcome.ActualLabel is null))
                continue;
            kept.Add(new LabelledRow(outcome.ModelName, outcome.OutcomeId, outcome.ModelVersion ?? string.Empty, outcome.ObservedAt,
                input.GetRawText(), outcome.ActualValue, outcome.ActualLabel, outcome.ReportedBy));
        }

        var added = await rows.AddAsync(kept, context.CancellationToken);
        if (added == 0)
            return;
        var settings = options.Value;
        foreach (var model in kept.Select(row => row.ModelName).Distinct(StringComparer.Ordinal))
            await rows.TrimAsync(model, settings.MaxRowsPerModel, time.GetUtcNow() - settings.RowRetention, context.CancellationToken);
        LogKept(logger, added, context.Message.Length);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kept {Added} labelled rows from {Outcomes} outcomes")]
    private static partial void LogKept(ILogger logger, int added, int outcomes);
}

/// <summary>
/// The labelled rows' endpoint: batches of up to <see cref="MessageLimit"/> outcomes, or whatever arrived within
/// <see cref="TimeLimit"/> of the first, one batch written at a time (SQLite has one writer).
/// </summary>
public sealed class OutcomeRecordedConsumerDefinition : ConsumerDefinition<OutcomeRecordedConsumer>
{
    /// <summary>The most outcomes written in one transaction.</summary>
    public const int MessageLimit = 500;

    /// <summary>How long a batch waits for more outcomes after its first one.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(100);

    /// <summary>Queue <c>retrainer-outcome-recorded</c>, two batches prefetched (one filling while the other is written).</summary>
    public OutcomeRecordedConsumerDefinition()
    {
        EndpointName = "retrainer-outcome-recorded";
        Endpoint(endpoint => endpoint.PrefetchCount = MessageLimit * 2);
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<OutcomeRecordedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        consumerConfigurator.Options<BatchOptions>(options => options
            .SetMessageLimit(MessageLimit)
            .SetTimeLimit(TimeLimit)
            .SetConcurrencyLimit(1));
    }
}
