using ServiceDefaults;

/// <summary>What the embedded host answers on <c>GET /</c>.</summary>
internal static class EmbeddedHost
{
    public static readonly ServiceDescription Description = ServiceDescription.Of(
        typeof(EmbeddedHost).Assembly,
        "Gateway, FeatureBuilder, Inference, FeedbackCollector, Monitor and Retrainer in one process on the in-memory bus.");
}
