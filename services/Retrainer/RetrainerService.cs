using MassTransit;
using Microsoft.Extensions.Options;
using Retrainer.Audit;
using Retrainer.Consumers;
using Retrainer.Demo;
using Retrainer.Endpoints;
using Retrainer.Keys;
using Retrainer.Registry;
using Retrainer.Retraining;
using Retrainer.Rollouts;
using MongoDB.Driver;
using ServiceDefaults;
using ServiceDefaults.Storage;
using ServiceDefaults.Security;
using ServiceDefaults.Storage.Documents;
using ServiceDefaults.Webhooks;

namespace Retrainer;

/// <summary>
/// The Retrainer service's composition: what it adds to a host and which endpoints it maps. The separate
/// Retrainer process and the embedded host both call these two methods.
/// </summary>
public static class RetrainerService
{
    /// <summary>The name of the service's database in MongoDB (<c>retrainer</c>).</summary>
    public const string StoreName = "retrainer";

    /// <summary>What the service answers on <c>GET /</c> (mapped by its Program.cs; the embedded host answers for all six).</summary>
    public static readonly ServiceDescription Description = ServiceDescription.Of(
        typeof(RetrainerService).Assembly,
        "Keeps the model registry, trains challengers and rolls new versions out.");

    /// <summary>Adds the retrainer's services. Call it before <c>AddMessageBus</c>.</summary>
    public static IHostApplicationBuilder AddRetrainer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddValidatedOptions<RegistryOptions>(RegistryOptions.SectionName);
        builder.AddValidatedOptions<RolloutOptions>(RolloutOptions.SectionName);
        builder.AddValidatedOptions<RetrainingOptions>(RetrainingOptions.SectionName);
        builder.AddValidatedOptions<FlightDelayRetrainingOptions>(FlightDelayRetrainingOptions.SectionName);

        // One database for the registry's versions and aliases, rollouts, retraining jobs and labelled rows; the ONNX
        // files stay in the models folder, where training writes bundles (embedded), or go to GridFS (MongoDB).
        builder.AddDocumentDatabase(StoreName, typeof(RetrainerService).Assembly);
        builder.Services.AddSingleton<IModelFiles>(services =>
            services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProvider.MongoDb
                ? new GridFsModelFiles(new MongoDocumentDatabase(services.GetRequiredService<IMongoClient>(), StoreName).Database)
                : new FolderModelFiles(services.GetRequiredService<IOptions<RegistryOptions>>().Value.ModelsFolder));
        builder.Services.AddSingleton<ModelStore>();
        builder.Services.AddSingleton<RolloutStore>();
        builder.Services.AddSingleton<RetrainingJobStore>();
        builder.Services.AddSingleton<LabelledRowStore>();

        // The registry.
        builder.Services.AddSingleton<IRegistryEvents, BusRegistryEvents>();
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddHostedService<BootstrapModelService>();

        // Rollouts.
        builder.Services.AddSingleton<IRolloutEvents, BusRolloutEvents>();
        builder.Services.AddSingleton<RolloutEvidence>();
        builder.Services.AddSingleton<RolloutCards>();
        builder.Services.AddSingleton<RolloutManager>();
        builder.Services.AddSingleton<IRolloutStarter>(services => services.GetRequiredService<RolloutManager>());
        builder.Services.AddSingleton<RolloutController>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RolloutController>());

        // API keys: the Retrainer owns them; every service (this one too) checks requests against the list it announces.
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<ApiKeys>();
        builder.Services.AddHostedService<AdminKeyBootstrap>();

        // The audit log: every service publishes its admin calls (the service defaults); the Retrainer keeps them.
        builder.AddValidatedOptions<AuditOptions>(AuditOptions.SectionName);
        builder.Services.AddSingleton<AuditStore>();
        builder.Services.AddHostedService<AuditRetention>();

        // Retraining.
        builder.Services.AddSingleton<RetrainingJobs>();
        builder.Services.AddSingleton<RetrainingRun>();
        builder.Services.AddSingleton<IRetrainingEvents, BusRetrainingEvents>();
        builder.Services.AddSingleton<ExternalTrainer>();
        builder.Services.AddWebhookDelivery();
        // The flights demo's additions to retraining its model (airport vocabularies, the flights file as earlier data).
        builder.Services.AddSingleton<IRetrainingCustomization, FlightDelayRetraining>();
        builder.Services.AddHostedService<RetrainingWorker>();
        builder.Services.AddHostedService<RetrainingSchedule>();
        builder.Services.AddHostedService<RetrainingExpiry>();

        builder.AddMessageConsumers(bus =>
        {
            bus.AddConsumer<ServedModelsRequestConsumer>();
            bus.AddConsumer<ApiKeysRequestConsumer, ApiKeysRequestConsumerDefinition>();
            bus.AddConsumer<AuditRecordedConsumer, AuditRecordedConsumerDefinition>();
            bus.AddConsumer<ModelArtifactRequestConsumer>();
            bus.AddConsumer<LiveReferenceBuiltConsumer>();
            bus.AddConsumer<PublicLoopEventsConsumer>();
            bus.AddConsumer<RolloutRequestMetricsConsumer, RolloutRequestMetricsConsumerDefinition>();
            bus.AddConsumer<RolloutOutcomesConsumer, RolloutOutcomesConsumerDefinition>();
            bus.AddConsumer<OutcomeRecordedConsumer, OutcomeRecordedConsumerDefinition>();
            bus.AddConsumer<DriftDetectedConsumer, DriftDetectedConsumerDefinition>();
            bus.AddConsumer<PerformanceDegradedConsumer, PerformanceDegradedConsumerDefinition>();
        });
        return builder;
    }

    /// <summary>Maps the Retrainer service's endpoints.</summary>
    public static WebApplication MapRetrainer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Every {model} and {version} is a plain path segment before a handler sees it.
        var api = app.MapGroup("").RequirePlainRouteValues();
        api.MapModelVersionEndpoints();
        api.MapApiKeyEndpoints();
        api.MapAuditEndpoints();
        api.MapModelAliasEndpoints();
        api.MapRolloutEndpoints();
        api.MapRetrainingEndpoints();
        api.MapTrainingDataEndpoints();
        api.MapTrainingDatasetEndpoints();
        return app;
    }
}
