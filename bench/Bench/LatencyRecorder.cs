namespace Bench;

/// <summary>Latencies of completed operations and the count of failed ones, safe for concurrent callers.</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> _milliseconds = [];
    private readonly Lock _lock = new();
    private int _errors;

    /// <summary>Completed operations.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _milliseconds.Count;
        }
    }

    /// <summary>Failed operations.</summary>
    public int Errors => Volatile.Read(ref _errors);

    /// <summary>Records one completed operation.</summary>
    public void Record(TimeSpan latency)
    {
        lock (_lock)
            _milliseconds.Add(latency.TotalMilliseconds);
    }

    /// <summary>Records one failed operation.</summary>
    public void Fail() => Interlocked.Increment(ref _errors);

    /// <summary>The latency below which <paramref name="fraction"/> of the operations completed, in milliseconds.</summary>
    public double Percentile(double fraction)
    {
        lock (_lock)
        {
            if (_milliseconds.Count == 0)
                return double.NaN;
            var sorted = _milliseconds.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
        }
    }
}
