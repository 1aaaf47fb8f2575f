using Inference.Consumers;
using Inference.Endpoints;
using Inference.OpenInference;
using Inference.Runtime;
using MassTransit;
using ServiceDefaults;
using ServiceDefaults.Scoring;
using ServiceDefaults.ServedModels;

namespace Inference;

/// <summary>
/// The Inference service's composition: what it adds to a host and which endpoints it maps. The separate
/// Inference process and the embedded host both call these two methods.
/// </summary>
public static class InferenceService
{
    /// <summary>What the service answers on <c>GET /</c> (mapped by its Program.cs; the embedded host answers for all six).</summary>
    public static readonly ServiceDescription Description = ServiceDescription.Of(
        typeof(InferenceService).Assembly,
        "Scores feature vectors with the active model versions and publishes every prediction.");

    /// <summary>Adds the inference service's services. Call it before <c>AddMessageBus</c>.</summary>
    public static IHostApplicationBuilder AddInference(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddValidatedOptions<InferenceOptions>(InferenceOptions.SectionName);
        builder.AddServedModels<ModelSessions>();
        builder.Services.AddSingleton<InferenceMetrics>();
        builder.Services.AddSingleton<PredictionPublisher>();
        builder.Services.AddSingleton<TensorInference>();
        builder.Services.AddSingleton<OnlineScoring>();
        // FeatureBuilder in this process (the embedded host) calls the scoring directly (IScoreRequests).
        builder.Services.AddKeyedSingleton<IScoreRequests>(IScoreRequests.InProcessKey, (services, _) => services.GetRequiredService<OnlineScoring>());
        builder.Services.AddGrpc();
        builder.Services.AddHostedService(services => services.GetRequiredService<PredictionPublisher>());
        builder.Services.AddSingleton<IBusDrain>(services => services.GetRequiredService<PredictionPublisher>());
        builder.AddMessageConsumers(bus =>
        {
            bus.AddConsumer<ScoreRequestConsumer, ScoreRequestConsumerDefinition>();
            bus.AddConsumer<ScoreBatchChunkConsumer, ScoreBatchChunkConsumerDefinition>();
        });
        return builder;
    }

    /// <summary>Maps the Inference service's endpoints.</summary>
    public static WebApplication MapInference(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapOpenInferenceProtocol();
        app.MapOpenInferenceGrpc();
        return app;
    }
}
