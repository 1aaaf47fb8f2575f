using FeedbackCollector.Consumers;
using FeedbackCollector.Endpoints;
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
    /// Adds the feedback collector's services: the prediction log in the store chosen by the <c>Storage</c>
    /// settings, and the consumer that fills it from <c>PredictionMade</c>. Call it before <c>AddMessageBus</c>.
    /// </summary>
    public static IHostApplicationBuilder AddFeedbackCollector(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddStore<IPredictionLog>(
            StoreName,
            embedded: database => new SqlitePredictionLog(database),
            mongoDb: database => new MongoPredictionLog(database));
        builder.AddMessageConsumers(bus => bus.AddConsumer<PredictionsMadeConsumer, PredictionsMadeConsumerDefinition>());
        return builder;
    }

    /// <summary>Maps the FeedbackCollector service's endpoints.</summary>
    public static WebApplication MapFeedbackCollector(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapPredictionEndpoints();
        return app;
    }
}
