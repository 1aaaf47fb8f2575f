using MassTransit;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using ServiceDefaults.Storage;

namespace Retrainer.Rollouts;

/// <summary>Adds rollouts to the Retrainer: the store, the manager (also the <see cref="IRolloutStarter"/>), the controller and the evidence consumers.</summary>
public static class RolloutExtensions
{
    /// <summary>Adds the rollout services. Call it from <c>AddRetrainer</c>, before <c>AddMessageBus</c>.</summary>
    public static IHostApplicationBuilder AddRollouts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RolloutOptions>()
            .Bind(builder.Configuration.GetSection(RolloutOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RolloutOptions>, RolloutOptionsValidator>();
        builder.AddDocumentDatabase(RetrainerService.StoreName, typeof(RetrainerService).Assembly);
        builder.Services.AddSingleton<RolloutStore>();
        builder.Services.AddSingleton<IRolloutEvents, BusRolloutEvents>();
        builder.Services.AddSingleton<RolloutEvidence>();
        builder.Services.AddSingleton<RolloutCards>();
        builder.Services.AddSingleton<RolloutManager>();
        builder.Services.AddSingleton<IRolloutStarter>(services => services.GetRequiredService<RolloutManager>());
        builder.Services.AddSingleton<RolloutController>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RolloutController>());
        builder.AddMessageConsumers(bus =>
        {
            bus.AddConsumer<RolloutRequestMetricsConsumer, RolloutRequestMetricsConsumerDefinition>();
            bus.AddConsumer<RolloutOutcomesConsumer, RolloutOutcomesConsumerDefinition>();
        });
        return builder;
    }

    /// <summary>Names every problem with the settings at start-up.</summary>
    private sealed class RolloutOptionsValidator : IValidateOptions<RolloutOptions>
    {
        public ValidateOptionsResult Validate(string? name, RolloutOptions options) =>
            options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
