namespace Monitor.Windows;

/// <summary>
/// The time buckets of one version's timeline: those still in memory (the open bucket and the closed ones of the
/// time window), and the saved ones before them. The <see cref="BucketKeeper"/> closes a bucket in memory and saves
/// it after, and saves the open bucket only every <see cref="MonitoringOptions.SaveInterval"/>, so for the buckets
/// in memory the memory is the newer copy: the store may hold an older copy of them, or none yet.
/// </summary>
public static class VersionTimeline
{
    /// <summary>The buckets of <paramref name="windows"/> that start from <paramref name="from"/> to before <paramref name="to"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<TimeBucket>> ReadAsync(
        VersionWindows windows, BucketStore store, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(store);

        // Memory first, then the store. A bucket closed before this look is still in memory, or was saved before
        // it dropped out (the keeper saves it in the round that closes it, unless that save fails; it drops out
        // rounds later, when the time window has passed it), so the store read after has it; a bucket closed
        // after this look is the open bucket here.
        List<TimeBucket> inMemory;
        lock (windows)
            inMemory = windows.BucketsBetween(from, to);

        var card = windows.Profile.Card;
        var stored = await store.ListAsync(card.Name, card.Version, from, to, cancellationToken);
        var buckets = stored.Select(bucket =>
        {
            var content = BucketContent.FromJson(bucket.AggregateJson);
            return new TimeBucket(bucket.Start, bucket.End - bucket.Start, content.Predictions, content.Outcomes);
        }).ToDictionary(bucket => bucket.Start);
        foreach (var bucket in inMemory)
            buckets[bucket.Start] = bucket;

        return [.. buckets.Values.OrderBy(bucket => bucket.Start)];
    }
}
