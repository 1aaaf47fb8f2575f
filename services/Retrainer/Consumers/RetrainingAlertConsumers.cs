using System.Globalization;
using Contracts.Monitoring;
using MassTransit;
using Microsoft.Extensions.Options;
using Retrainer.Retraining;
using ServiceDefaults;

namespace Retrainer.Consumers;

/// <summary>
/// Starts a retraining when Monitor reports drift of a model (<see cref="DriftDetected"/>), unless retraining on drift
/// is off for it. Queue <c>retrainer-drift-detected</c>. Only records the trigger: training runs in the background.
/// </summary>
public sealed partial class DriftDetectedConsumer(RetrainingJobs jobs, IOptions<RetrainingOptions> options, ILogger<DriftDetectedConsumer> logger)
    : IConsumer<DriftDetected>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<DriftDetected> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var alert = context.Message;
        if (alert.ModelName is not { Length: > 0 })
            throw new InvalidMessageException("DriftDetected has no modelName.");
        var policy = options.Value.For(alert.ModelName);
        if (!policy.Enabled || !policy.OnDrift)
            return;
        var columns = string.Join(", ", (alert.Drifted ?? []).Select(column =>
            string.Create(CultureInfo.InvariantCulture, $"{column.Column} ({column.Statistic} {column.Score:0.###} > {column.Threshold:0.###})")));
        var details = $"drift alert {alert.AlertId} of version {alert.ModelVersion}, rule '{alert.Rule}' over {alert.Window}: {columns}";
        if (await jobs.RequestAsync(alert.ModelName, RetrainingTriggers.Drift, details, context.CancellationToken) is null)
            LogUnknownModel(logger, alert.ModelName, "DriftDetected");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Alert} for model {Model}, which the registry does not serve: no retraining")]
    internal static partial void LogUnknownModel(ILogger logger, string model, string alert);
}

/// <summary>
/// Starts a retraining when Monitor reports a model's live performance fell (<see cref="PerformanceDegraded"/>), unless
/// retraining on performance is off for it. Queue <c>retrainer-performance-degraded</c>.
/// </summary>
public sealed class PerformanceDegradedConsumer(RetrainingJobs jobs, IOptions<RetrainingOptions> options, ILogger<PerformanceDegradedConsumer> logger)
    : IConsumer<PerformanceDegraded>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<PerformanceDegraded> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var alert = context.Message;
        if (alert.ModelName is not { Length: > 0 })
            throw new InvalidMessageException("PerformanceDegraded has no modelName.");
        var policy = options.Value.For(alert.ModelName);
        if (!policy.Enabled || !policy.OnPerformance)
            return;
        var details = string.Create(CultureInfo.InvariantCulture,
            $"performance alert {alert.AlertId} of version {alert.ModelVersion}, rule '{alert.Rule}' over {alert.Window}: {alert.Metric} {alert.Value:0.0000} against threshold {alert.Threshold:0.0000}");
        if (await jobs.RequestAsync(alert.ModelName, RetrainingTriggers.Performance, details, context.CancellationToken) is null)
            DriftDetectedConsumer.LogUnknownModel(logger, alert.ModelName, "PerformanceDegraded");
    }
}

/// <summary>Names the drift consumer's queue after the service (Monitor's own consumers of alerts must not compete with it).</summary>
public sealed class DriftDetectedConsumerDefinition : ConsumerDefinition<DriftDetectedConsumer>
{
    /// <summary>Queue <c>retrainer-drift-detected</c>.</summary>
    public DriftDetectedConsumerDefinition() => EndpointName = "retrainer-drift-detected";
}

/// <summary>Names the performance consumer's queue.</summary>
public sealed class PerformanceDegradedConsumerDefinition : ConsumerDefinition<PerformanceDegradedConsumer>
{
    /// <summary>Queue <c>retrainer-performance-degraded</c>.</summary>
    public PerformanceDegradedConsumerDefinition() => EndpointName = "retrainer-performance-degraded";
}
