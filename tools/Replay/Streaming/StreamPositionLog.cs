namespace Replay.Streaming;

/// <summary>
/// Which stream time the replay had reached at which wall-clock time — the replay notes the stream time of each
/// request whose prediction comes back (at most one entry per 10 ms, never going back) — so a wall-clock time
/// another service reports, an alert's window end, can be read as the stream time of the newest flight the
/// platform had answered by then.
/// </summary>
public sealed class StreamPositionLog
{
    private static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(10);
    private readonly List<(DateTimeOffset Wall, DateTime Stream)> _entries = [];
    private readonly Lock _gate = new();

    /// <summary>Notes that at <paramref name="wall"/> the stream had reached <paramref name="stream"/> (or later, if an earlier entry says so).</summary>
    public void Add(DateTimeOffset wall, DateTime stream)
    {
        lock (_gate)
        {
            if (_entries.Count > 0 && _entries[^1].Stream > stream)
                stream = _entries[^1].Stream;
            if (_entries.Count > 0 && wall - _entries[^1].Wall < Resolution)
                _entries[^1] = (_entries[^1].Wall, stream);
            else
                _entries.Add((wall, stream));
        }
    }

    /// <summary>The stream time reached at <paramref name="wall"/>; null before the first entry.</summary>
    public DateTime? StreamTimeAt(DateTimeOffset wall)
    {
        lock (_gate)
        {
            int low = 0, high = _entries.Count - 1, found = -1;
            while (low <= high)
            {
                var middle = (low + high) / 2;
                if (_entries[middle].Wall <= wall)
                {
                    found = middle;
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return found < 0 ? null : _entries[found].Stream;
        }
    }
}
