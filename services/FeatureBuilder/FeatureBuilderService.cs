using Contracts.Predictions;
using FeatureBuilder.Batches;
using FeatureBuilder.Consumers;
using FeatureBuilder.Endpoints;
using ServiceDefaults.Storage;
using FeatureBuilder.Models;
using FeatureBuilder.Online;
using MassTransit;
using Microsoft.Extensions.Options;
using BatchOptions = FeatureBuilder.Batches.BatchOptions;
using ServiceDefaults;
using ServiceDefaults.ServedModels;
using ServiceDefaults.Scoring;

namespace FeatureBuilder;

/// <summary>
/// The FeatureBuilder service's composition: what it adds to a host and which endpoints it maps. The separate
/// FeatureBuilder process and the embedded host both call these two methods.
/// </summary>
public static class FeatureBuilderService
{
    /// <summary>The name of the service's database in the store (<c>featurebuilder.db</c> embedded, <c>featurebuilder</c> in MongoDB).</summary>
    public const string StoreName = "featurebuilder";

    /// <summary>What the service answers on <c>GET /</c> (mapped by its Program.cs; the embedded host answers for all six).</summary>
    public static readonly ServiceDescription Description = ServiceDescription.Of(
        typeof(FeatureBuilderService).Assembly,
        "Turns raw records into validated feature vectors, online and in batches.");

    /// <summary>Adds the feature builder's services. Call it before <c>AddMessageBus</c>.</summary>
    public static IHostApplicationBuilder AddFeatureBuilder(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddValidatedOptions<FeatureBuilderOptions>(FeatureBuilderOptions.SectionName);
        builder.AddServedModels<ServedCards>();
        builder.Services.AddSingleton<FeatureBuilderMetrics>();
        builder.Services.AddSingleton<OnlinePredictor>();
        // Inference in this process (the embedded host) scores without a hop; otherwise a replica does, over gRPC when
        // FeatureBuilder:InferenceAddress is set (requests without a credential still over the bus), else over the bus.
        builder.Services.AddSingleton<BusScoreRequests>();
        builder.Services.AddSingleton<IScoreRequests>(services =>
            services.GetKeyedService<IScoreRequests>(IScoreRequests.InProcessKey)
            ?? (string.IsNullOrWhiteSpace(services.GetRequiredService<IOptions<FeatureBuilderOptions>>().Value.InferenceAddress)
                ? services.GetRequiredService<BusScoreRequests>()
                : ActivatorUtilities.CreateInstance<GrpcScoreRequests>(services)));
        builder.AddMessageConsumers(bus =>
        {
            bus.AddRequestClient<ScoreRequest>();
            bus.AddConsumer<IngestedPredictionRequestConsumer, IngestedPredictionRequestConsumerDefinition>();
        });
        builder.AddBatches();
        return builder;
    }

    // Batch predictions: the store (in the service's document database), the reader of inputs, the consumer of scored chunks, retention.
    private static IHostApplicationBuilder AddBatches(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<BatchOptions>(BatchOptions.SectionName);
        builder.AddDocumentDatabase(StoreName, typeof(FeatureBuilderService).Assembly);
        builder.Services.AddSingleton<BatchStore>();
        builder.Services.AddSingleton<BatchInputs>();
        builder.Services.AddSingleton<BatchRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BatchRunner>());
        builder.Services.AddSingleton<BatchRetention>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BatchRetention>());
        builder.AddMessageConsumers(bus => bus.AddConsumer<BatchChunkScoredConsumer, BatchChunkScoredConsumerDefinition>());
        return builder;
    }

    /// <summary>Maps the FeatureBuilder service's endpoints, with the try-it page (<c>/try/</c>), which calls them.</summary>
    public static WebApplication MapFeatureBuilder(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapModelEndpoints();
        app.MapPredictEndpoints();
        app.MapBatchEndpoints();
        app.MapTryIt();
        return app;
    }
}
