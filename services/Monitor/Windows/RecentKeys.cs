namespace Monitor.Windows;

/// <summary>
/// The most recent keys seen (a bounded set, oldest forgotten first), so an event redelivered by the broker
/// is not counted twice. Redeliveries come soon after the first delivery, so a bounded memory suffices.
/// Thread-safe.
/// </summary>
public sealed class RecentKeys<TKey>(int capacity)
    where TKey : notnull
{
    private readonly HashSet<TKey> _keys = [];
    private readonly Queue<TKey> _order = new();
    private readonly Lock _lock = new();

    /// <summary>Remembers <paramref name="key"/>; false when it was already remembered.</summary>
    public bool Add(TKey key)
    {
        lock (_lock)
        {
            if (!_keys.Add(key))
                return false;
            _order.Enqueue(key);
            if (_order.Count > capacity)
                _keys.Remove(_order.Dequeue());
            return true;
        }
    }
}
