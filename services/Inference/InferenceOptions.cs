using ServiceDefaults;

namespace Inference;

/// <summary>Limits of the Inference service. Section <c>Inference</c>.</summary>
public sealed class InferenceOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Inference";

    /// <summary>The most rows one Open Inference Protocol request may carry (more gets 413). Env: <c>Inference__MaxRowsPerRequest</c>.</summary>
    public int MaxRowsPerRequest { get; set; } = 10_000;

    /// <summary>Seconds a client is asked to wait (Retry-After) while no model is loaded yet. Env: <c>Inference__RetryAfterSeconds</c>.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>
    /// The most rows of concurrent requests for one model version scored together in one ONNX Runtime call (1: each
    /// request alone; a request with more rows is scored alone). Env: <c>Inference__BatchMaxRows</c>.
    /// </summary>
    public int BatchMaxRows { get; set; } = 256;

    /// <summary>
    /// How long a batch that is not full may wait for more requests while another batch of the same version is being
    /// scored (zero: never; batches then grow only with what arrives while others are scored, and one caller never
    /// waits). Env: <c>Inference__BatchMaxWait</c>.
    /// </summary>
    public TimeSpan BatchMaxWait { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long the prediction events of answered requests are gathered before they are published as one message (no
    /// caller waits for it; only monitoring and the prediction log see predictions that much later). Zero: each publish
    /// takes only what is queued. Env: <c>Inference__PredictionEventsLinger</c>.
    /// </summary>
    public TimeSpan PredictionEventsLinger { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (MaxRowsPerRequest <= 0)
            yield return "Inference:MaxRowsPerRequest must be positive.";
        if (RetryAfterSeconds <= 0)
            yield return "Inference:RetryAfterSeconds must be positive.";
        if (BatchMaxRows is < 1 or > 100_000)
            yield return "Inference:BatchMaxRows must be from 1 to 100000.";
        if (BatchMaxWait < TimeSpan.Zero || BatchMaxWait > TimeSpan.FromMilliseconds(100))
            yield return "Inference:BatchMaxWait must be from 00:00:00 to 00:00:00.1.";
        if (PredictionEventsLinger < TimeSpan.Zero || PredictionEventsLinger > TimeSpan.FromSeconds(1))
            yield return "Inference:PredictionEventsLinger must be from 00:00:00 to 00:00:01.";
    }
}
