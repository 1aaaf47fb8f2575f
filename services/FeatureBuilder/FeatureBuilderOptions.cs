using FeatureBuilder.Online;
using ServiceDefaults;

namespace FeatureBuilder;

/// <summary>Limits and names of the online prediction API. Section <c>FeatureBuilder</c>.</summary>
public sealed class FeatureBuilderOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "FeatureBuilder";

    /// <summary>The most records one predict request may carry (more gets 413). Env: <c>FeatureBuilder__MaxRecordsPerRequest</c>.</summary>
    public int MaxRecordsPerRequest { get; set; } = 1000;

    /// <summary>
    /// How long a request waits for Inference before the client gets 503 (so a client never hangs on a
    /// stopped or overloaded scorer). Env: <c>FeatureBuilder__InferenceTimeout</c> (e.g. <c>00:00:05</c>).
    /// </summary>
    public TimeSpan InferenceTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The Inference replicas' gRPC port, for the direct hop of online predictions (<c>GrpcScoreRequests</c>):
    /// <c>dns:///inference-grpc:8081</c> (every address the name resolves to, looked up again every 30 s: a Kubernetes
    /// headless service) or <c>static:///host1:port1,host2:port2</c>; calls go round robin. Unset: every request goes
    /// over the bus (and in the embedded host there is no hop at all). Env: <c>FeatureBuilder__InferenceAddress</c>.
    /// </summary>
    public string? InferenceAddress { get; set; }

    /// <summary>Seconds a client is asked to wait (Retry-After) after a 503. Env: <c>FeatureBuilder__RetryAfterSeconds</c>.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>
    /// The record field that carries the caller's key of the thing predicted (e.g. a flight number), echoed
    /// in the prediction event and used to join outcomes; not a model input. Env: <c>FeatureBuilder__EntityKeyField</c>.
    /// </summary>
    public string EntityKeyField { get; set; } = "entityKey";

    /// <summary>
    /// The most records of concurrent requests for one model version sent to Inference together as one request (1: each
    /// request alone; a request with more is sent alone). Env: <c>FeatureBuilder__BatchMaxRows</c>.
    /// </summary>
    public int BatchMaxRows { get; set; } = 256;

    /// <summary>
    /// How long such a batch that is not full may wait for more requests while another is on its way to Inference (zero:
    /// never; batches then grow only with what arrives meanwhile, and one caller never waits). Env: <c>FeatureBuilder__BatchMaxWait</c>.
    /// </summary>
    public TimeSpan BatchMaxWait { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How many batches of one model version wait for Inference at once; what arrives meanwhile forms the next batch.
    /// Env: <c>FeatureBuilder__BatchMaxInFlight</c>.
    /// </summary>
    public int BatchMaxInFlight { get; set; } = 4;

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (MaxRecordsPerRequest <= 0)
            yield return "FeatureBuilder:MaxRecordsPerRequest must be positive.";
        if (InferenceTimeout <= TimeSpan.Zero)
            yield return "FeatureBuilder:InferenceTimeout must be positive.";
        if (!string.IsNullOrWhiteSpace(InferenceAddress) && InferenceAddresses.Parse(InferenceAddress) is { Error: { } error })
            yield return $"FeatureBuilder:InferenceAddress {error}";
        if (RetryAfterSeconds <= 0)
            yield return "FeatureBuilder:RetryAfterSeconds must be positive.";
        if (string.IsNullOrWhiteSpace(EntityKeyField))
            yield return "FeatureBuilder:EntityKeyField must name a field.";
        if (BatchMaxRows is < 1 or > 100_000)
            yield return "FeatureBuilder:BatchMaxRows must be from 1 to 100000.";
        if (BatchMaxWait < TimeSpan.Zero || BatchMaxWait > TimeSpan.FromMilliseconds(100))
            yield return "FeatureBuilder:BatchMaxWait must be from 00:00:00 to 00:00:00.1.";
        if (BatchMaxInFlight is < 1 or > 1024)
            yield return "FeatureBuilder:BatchMaxInFlight must be from 1 to 1024.";
    }
}
