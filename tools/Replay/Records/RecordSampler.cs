namespace Replay.Records;

/// <summary>
/// Keeps a fixed share of the records, chosen by a hash of each record's entity key: the same records in every
/// run and whatever the replayed range, and spread evenly over the days and hours.
/// </summary>
public sealed class RecordSampler
{
    private readonly double _share;

    /// <summary>A sampler keeping <paramref name="share"/> (0 &lt; share ≤ 1) of the records.</summary>
    public RecordSampler(double share)
    {
        if (!(share > 0 && share <= 1))
            throw new ArgumentOutOfRangeException(nameof(share), share, "the share must be in (0, 1]");
        _share = share;
    }

    /// <summary>Whether the replay takes the record with entity key <paramref name="entityKey"/>.</summary>
    public bool Keeps(string entityKey) => _share >= 1 || Position(entityKey) < _share;

    /// <summary>
    /// Where <paramref name="key"/> falls in [0, 1): FNV-1a over its characters, then SplitMix64's finalizer so that
    /// keys differing in one character land far apart. Stable across processes and .NET versions, unlike
    /// <see cref="string.GetHashCode()"/>.
    /// </summary>
    public static double Position(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = 14695981039346656037UL;
        foreach (var character in key)
        {
            hash ^= character;
            hash *= 1099511628211UL;
        }

        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        hash ^= hash >> 31;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }
}
