using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Inference.Runtime;

/// <summary>
/// Inference's own metrics (meter <c>Platform.Inference</c>, exported on <c>/metrics</c> with the platform's
/// other <c>Platform.*</c> meters): predictions by model, version and source, the time ONNX Runtime takes to
/// score a request, a batch of requests or a chunk, how many requests were scored together, and the batch chunks scored.
/// </summary>
public sealed class InferenceMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Platform.Inference";

    // Scoring one record takes tens of microseconds, a batch chunk tens of milliseconds: finer buckets than
    // the request-duration defaults (which start at 5 ms).
    private static readonly double[] ScoringBuckets = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private readonly Counter<long> _predictions;
    private readonly Histogram<double> _scoring;
    private readonly Counter<long> _chunks;
    private readonly Histogram<int> _batched;

    /// <summary>Creates the instruments on the host's meter factory.</summary>
    public InferenceMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _predictions = meter.CreateCounter<long>("platform.inference.predictions", "{prediction}", "Predictions made, by model, version and source (online, event, tensor, batch).");
        _scoring = meter.CreateHistogram(
            "platform.inference.scoring.duration", "s", "Time ONNX Runtime took to score one request or batch chunk, by model, version and source.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ScoringBuckets });
        _chunks = meter.CreateCounter<long>("platform.inference.batch.chunks", "{chunk}", "Batch chunks scored, by model and version.");
        _batched = meter.CreateHistogram(
            "platform.inference.batched.requests", "{request}", "Concurrent requests scored together in one ONNX Runtime call, by model, version and source.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    }

    /// <summary><paramref name="rows"/> predictions of <paramref name="model"/> scored in <paramref name="elapsed"/>.</summary>
    public void Scored(LoadedModel model, string source, int rows, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tags = new TagList { { "model", model.Name }, { "version", model.Version }, { "source", source } };
        _predictions.Add(rows, tags);
        _scoring.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary><paramref name="requests"/> requests of <paramref name="model"/> scored together in one ONNX Runtime call.</summary>
    public void Batched(LoadedModel model, string source, int requests)
    {
        ArgumentNullException.ThrowIfNull(model);
        _batched.Record(requests, new TagList { { "model", model.Name }, { "version", model.Version }, { "source", source } });
    }

    /// <summary>One batch chunk of <paramref name="model"/> scored.</summary>
    public void ChunkScored(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _chunks.Add(1, new KeyValuePair<string, object?>("model", model.Name), new KeyValuePair<string, object?>("version", model.Version));
    }
}
