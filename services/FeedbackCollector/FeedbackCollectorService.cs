using FeedbackCollector.Consumers;
using FeedbackCollector.Endpoints;
using FeedbackCollector.Outcomes;
using FeedbackCollector.Predictions;
using MassTransit;
using ServiceDefaults;
using ServiceDefaults.Storage;

namespace FeedbackCollector;

/// <summary>
/// The FeedbackCollector service's composition: what it adds to a host and which endpoints it maps. The separate
/// FeedbackCollector process and the embedded host both call these two methods.
/// </summary>
public static class FeedbackCollectorService
{
    /// <summary>The name of the service's database in the store (<c>feedbackcollector.db</c> in the embedded store, the <c>feedbackcollector</c> database in MongoDB).</summary>
    public const string StoreName = "feedbackcollector";

    /// <summary>What the service answers on <c>GET /</c> (mapped by its Program.cs; the embedded host answers for all six).</summary>
    public static readonly ServiceDescription Description = ServiceDescription.Of(
        typeof(FeedbackCollectorService).Assembly,
        "Accepts ground truth and joins it to the prediction it belongs to.");

    /// <summary>
    /// Adds the feedback collector's services: the prediction log and the outcomes in the store chosen by the
    /// <c>Storage</c> settings, the joiner, the outcome sweep (orphans, unpublished joins), its settings (section <c>Feedback</c>, validated at
    /// start-up) and metrics, and the consumers of predictions and of outcomes from the ingest exchange.
    /// Call it before <c>AddMessageBus</c>.
    /// </summary>
    public static IHostApplicationBuilder AddFeedbackCollector(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddDocumentDatabase(StoreName, typeof(FeedbackCollectorService).Assembly);
        builder.Services.AddSingleton<PredictionStore>();
        builder.Services.AddSingleton<OutcomeStore>();

        builder.AddValidatedOptions<FeedbackOptions>(FeedbackOptions.SectionName);
        builder.Services.AddSingleton<FeedbackMetrics>();
        builder.Services.AddSingleton<OutcomeJoiner>();
        builder.Services.AddSingleton<OutcomeSweep>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutcomeSweep>());
        builder.AddMessageConsumers(bus =>
        {
            bus.AddConsumer<PredictionsMadeConsumer, PredictionsMadeConsumerDefinition>();
            bus.AddConsumer<IngestedOutcomeConsumer, IngestedOutcomeConsumerDefinition>();
        });
        return builder;
    }

    /// <summary>Maps the FeedbackCollector service's endpoints.</summary>
    public static WebApplication MapFeedbackCollector(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapPredictionEndpoints();
        app.MapFeedbackEndpoints();
        return app;
    }
}
