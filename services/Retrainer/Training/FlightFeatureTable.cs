using Modeling.Features;
using Modeling.Flights;

namespace Retrainer.Training;

/// <summary>Flights turned into model input by the one featurizer: row-major features and labels. Invalid flights are counted, not kept.</summary>
public sealed class FlightFeatureTable
{
    private FlightFeatureTable(float[] features, bool[] labels, int width, long rejected)
    {
        Features = features;
        Labels = labels;
        Width = width;
        Rejected = rejected;
    }

    /// <summary>Row-major feature values, <see cref="Width"/> per row.</summary>
    public float[] Features { get; }

    /// <summary>Whether each row's flight is the positive class (late).</summary>
    public bool[] Labels { get; }

    /// <summary>Floats per row.</summary>
    public int Width { get; }

    /// <summary>Rows kept.</summary>
    public int Rows => Labels.Length;

    /// <summary>Flights the featurizer refused (and why is not kept: training data is not a place to report per-field errors).</summary>
    public long Rejected { get; }

    /// <summary>One row's features.</summary>
    public ReadOnlySpan<float> Row(int index) => Features.AsSpan(index * Width, Width);

    /// <summary>Featurizes the flights; a flight is positive when <paramref name="isPositive"/> says so (by default: <see cref="FlightRecord.IsLate"/>).</summary>
    public static FlightFeatureTable Build(Featurizer featurizer, IReadOnlyList<FlightRecord> flights, Func<FlightRecord, bool>? isPositive = null)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentNullException.ThrowIfNull(flights);
        var width = featurizer.Width;
        var features = new float[flights.Count * width];
        var labels = new bool[flights.Count];
        var kept = 0;
        foreach (var flight in flights)
        {
            if (!featurizer.Featurize(flight, features.AsSpan(kept * width, width)).IsValid)
                continue;
            labels[kept++] = isPositive?.Invoke(flight) ?? flight.IsLate;
        }

        return new FlightFeatureTable(features[..(kept * width)], labels[..kept], width, flights.Count - kept);
    }
}
