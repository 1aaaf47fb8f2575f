namespace ServiceDefaults.Storage.Documents;

/// <summary>
/// One collection of documents of a service's store, on SQLite (embedded) or MongoDB: the whole storage API a typed
/// store builds on. Every write of one document is atomic; <see cref="ReplaceAsync"/> is a compare-and-set on the
/// revision, so domain code reads, decides and writes back without locks and retries when another writer came first.
/// </summary>
public interface IDocuments<T>
{
    /// <summary>The document with this key and its revision, or null.</summary>
    Task<Versioned<T>?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>The documents the query selects, with their revisions.</summary>
    Task<IReadOnlyList<Versioned<T>>> FindAsync(DocumentQuery query, CancellationToken cancellationToken);

    /// <summary>The documents the query selects, read as they are consumed (for results too large to hold).</summary>
    IAsyncEnumerable<T> StreamAsync(DocumentQuery query, CancellationToken cancellationToken);

    /// <summary>How many documents the query's conditions select (its order and limit are ignored).</summary>
    Task<long> CountAsync(DocumentQuery query, CancellationToken cancellationToken);

    /// <summary>How many documents the conditions select per distinct value of <paramref name="field"/>.</summary>
    Task<IReadOnlyDictionary<string, long>> CountByAsync(DocumentQuery query, string field, CancellationToken cancellationToken);

    /// <summary>Inserts the document unless its key is stored already (then leaves that one as it is); true when inserted.</summary>
    Task<bool> InsertAsync(T document, CancellationToken cancellationToken);

    /// <summary>Inserts each document whose key is not stored yet, in one round trip (the hot paths); per document, true when inserted.</summary>
    Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<T> documents, CancellationToken cancellationToken);

    /// <summary>Inserts the document or replaces the one with its key, whatever its revision.</summary>
    Task UpsertAsync(T document, CancellationToken cancellationToken);

    /// <summary>Replaces the document with its key if that one is still at <paramref name="revision"/>; false when it changed meanwhile or is gone.</summary>
    Task<bool> ReplaceAsync(T document, long revision, CancellationToken cancellationToken);

    /// <summary>Deletes the document with this key; true when there was one.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes the documents the query's conditions select; returns how many.</summary>
    Task<long> DeleteManyAsync(DocumentQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes the documents that expired at or before <paramref name="now"/>; returns how many (MongoDB also expires them by itself).</summary>
    Task<long> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
