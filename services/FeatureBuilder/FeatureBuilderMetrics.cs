using System.Diagnostics.Metrics;
using Contracts.Predictions;

namespace FeatureBuilder;

/// <summary>
/// FeatureBuilder's own metrics (meter <c>Platform.FeatureBuilder</c>, exported on <c>/metrics</c> with the
/// platform's other <c>Platform.*</c> meters): records refused by the feature spec, by model and source, the rows of
/// finished batches, and how many online or event requests went to Inference together.
/// </summary>
public sealed class FeatureBuilderMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Platform.FeatureBuilder";

    private readonly Counter<long> _invalid;
    private readonly Counter<long> _batchRows;
    private readonly Histogram<int> _batched;

    /// <summary>Creates the instruments on the host's meter factory.</summary>
    public FeatureBuilderMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _invalid = meter.CreateCounter<long>("platform.featurebuilder.records.invalid", "{record}", "Records the model card's feature spec refused, by model and source (online, event, batch).");
        _batchRows = meter.CreateCounter<long>("platform.featurebuilder.batch.rows", "{row}", "Rows of finished batches, by model and result (valid or invalid).");
        _batched = meter.CreateHistogram(
            "platform.featurebuilder.batched.requests", "{request}", "Concurrent online or event requests sent to Inference together as one request, by model and source.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    }

    /// <summary><paramref name="count"/> records of <paramref name="model"/> refused.</summary>
    public void InvalidRecords(string model, string source, long count)
    {
        if (count > 0)
            _invalid.Add(count, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("source", source));
    }

    /// <summary><paramref name="requests"/> requests of <paramref name="model"/> went to Inference together.</summary>
    public void Batched(string model, string source, int requests) =>
        _batched.Record(requests, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("source", source));

    /// <summary>A batch of <paramref name="model"/> was read to the end: <paramref name="rows"/> rows, <paramref name="invalid"/> of them refused.</summary>
    public void BatchRead(string model, long rows, long invalid)
    {
        InvalidRecords(model, PredictionSources.Batch, invalid);
        if (rows - invalid > 0)
            _batchRows.Add(rows - invalid, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("result", "valid"));
        if (invalid > 0)
            _batchRows.Add(invalid, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("result", "invalid"));
    }
}
