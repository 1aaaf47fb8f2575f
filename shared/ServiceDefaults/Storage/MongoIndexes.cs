namespace ServiceDefaults.Storage;

/// <summary>
/// Creates a MongoDB store's indexes once, on the store's first use. Creating an index that exists with the
/// same definition is a no-op on the server, so every replica of a service may do it. Not a
/// <c>Lazy&lt;Task&gt;</c>: a failed attempt (the server away for a moment) is retried by the next call.
/// </summary>
/// <param name="create">Creates every index the store's queries need.</param>
public sealed class MongoIndexes(Func<CancellationToken, Task> create) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _created;

    /// <summary>Returns once the indexes exist (at once after the first success).</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_created)
            return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_created)
                return;
            await create(cancellationToken);
            _created = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
