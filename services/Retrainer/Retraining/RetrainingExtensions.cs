using MassTransit;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using ServiceDefaults.Storage;

namespace Retrainer.Retraining;

/// <summary>
/// Adds automatic retraining to the Retrainer: the labelled rows (from outcomes) and jobs stores, the job queue and its
/// background worker, the schedule, and the consumers of outcomes and alerts.
/// </summary>
public static class RetrainingExtensions
{
    /// <summary>Adds the retraining services. Call it from <c>AddRetrainer</c>, after <c>AddRollouts</c> and before <c>AddMessageBus</c>.</summary>
    public static IHostApplicationBuilder AddRetraining(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RetrainingOptions>()
            .Bind(builder.Configuration.GetSection(RetrainingOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RetrainingOptions>, RetrainingOptionsValidator>();
        builder.AddDocumentDatabase(RetrainerService.StoreName, typeof(RetrainerService).Assembly);
        builder.Services.AddSingleton<LabelledRowStore>();
        builder.Services.AddSingleton<RetrainingJobStore>();
        builder.Services.AddSingleton<RetrainingJobs>();
        builder.Services.AddSingleton<RetrainingRun>();
        builder.Services.AddHostedService<RetrainingWorker>();
        builder.Services.AddHostedService<RetrainingSchedule>();
        builder.AddMessageConsumers(bus =>
        {
            bus.AddConsumer<OutcomeRecordedConsumer, OutcomeRecordedConsumerDefinition>();
            bus.AddConsumer<DriftDetectedConsumer, DriftDetectedConsumerDefinition>();
            bus.AddConsumer<PerformanceDegradedConsumer, PerformanceDegradedConsumerDefinition>();
        });
        return builder;
    }

    /// <summary>Names every problem with the settings at start-up.</summary>
    private sealed class RetrainingOptionsValidator : IValidateOptions<RetrainingOptions>
    {
        public ValidateOptionsResult Validate(string? name, RetrainingOptions options) =>
            options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
