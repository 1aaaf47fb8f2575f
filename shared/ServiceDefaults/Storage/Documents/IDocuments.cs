namespace ServiceDefaults.Storage.Documents;

/// <summary>
/// One collection of documents of a service's store, on SQLite (embedded) or MongoDB: what each provider implements.
/// Every write of one document is atomic; <see cref="ReplaceAsync"/> is a compare-and-set on the revision, so domain code
/// reads, decides and writes back without locks. Reads by key, lists and the compare-and-set loop are built on these
/// once, in <see cref="DocumentsExtensions"/>. Retention is a <see cref="DeleteManyAsync"/> on a range of a time field.
/// </summary>
public interface IDocuments<T>
{
    /// <summary>The documents the query selects, with their revisions, read as they are consumed.</summary>
    IAsyncEnumerable<Versioned<T>> StreamAsync(DocumentQuery query, CancellationToken cancellationToken);

    /// <summary>How many documents the query's conditions select per distinct value of <paramref name="field"/> (its order and limit are ignored).</summary>
    Task<IReadOnlyDictionary<string, long>> CountByAsync(DocumentQuery query, string field, CancellationToken cancellationToken);

    /// <summary>Inserts each document whose key is not stored yet, in one round trip; per document, true when inserted.</summary>
    Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<T> documents, CancellationToken cancellationToken);

    /// <summary>Inserts the document or replaces the one with its key, whatever its revision.</summary>
    Task UpsertAsync(T document, CancellationToken cancellationToken);

    /// <summary>Replaces the document with its key if that one is still at <paramref name="revision"/>; false when it changed meanwhile or is gone.</summary>
    Task<bool> ReplaceAsync(T document, long revision, CancellationToken cancellationToken);

    /// <summary>Deletes the documents the query's conditions select; returns how many.</summary>
    Task<long> DeleteManyAsync(DocumentQuery query, CancellationToken cancellationToken);
}
