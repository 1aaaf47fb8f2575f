namespace ServiceDefaults.Storage.Documents;

/// <summary>What typed stores do with a collection beyond its provider's calls, written once for both providers.</summary>
public static class DocumentsExtensions
{
    /// <summary>The document with this key and its revision, or null.</summary>
    public static async Task<Versioned<T>?> GetAsync<T>(this IDocuments<T> documents, string key, CancellationToken cancellationToken) =>
        await documents.FindAsync(DocumentQuery.Where(DocumentQuery.KeyField, key), cancellationToken) is [var found] ? found : null;

    /// <summary>The documents the query selects, with their revisions.</summary>
    public static async Task<IReadOnlyList<Versioned<T>>> FindAsync<T>(this IDocuments<T> documents, DocumentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return await documents.StreamAsync(query, cancellationToken).ToListAsync(cancellationToken);
    }

    /// <summary>The documents the query selects, without their revisions.</summary>
    public static async Task<IReadOnlyList<T>> ListAsync<T>(this IDocuments<T> documents, DocumentQuery query, CancellationToken cancellationToken) =>
        [.. (await documents.FindAsync(query, cancellationToken)).Select(found => found.Document)];

    /// <summary>Inserts the document unless its key is stored already (then leaves that one as it is); true when inserted.</summary>
    public static async Task<bool> InsertAsync<T>(this IDocuments<T> documents, T document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return (await documents.InsertManyAsync([document], cancellationToken))[0];
    }

    /// <summary>Deletes the document with this key; true when there was one.</summary>
    public static async Task<bool> DeleteAsync<T>(this IDocuments<T> documents, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return await documents.DeleteManyAsync(DocumentQuery.Where(DocumentQuery.KeyField, key), cancellationToken) == 1;
    }

    /// <summary>
    /// Compare-and-set: applies <paramref name="change"/> (the domain's rule) to the document as read — or as
    /// <paramref name="read"/> already — and writes the result back if the document is still at that revision, else
    /// reads it again and repeats. A change that returns the document unchanged writes nothing.
    /// </summary>
    /// <returns>The document as changed; null when there is none with this key or the change returned null (does not apply).</returns>
    public static async Task<T?> UpdateAsync<T>(this IDocuments<T> documents, string key, Func<T, T?> change, CancellationToken cancellationToken, Versioned<T>? read = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(change);
        for (var stored = read ?? await documents.GetAsync(key, cancellationToken); stored is not null; stored = await documents.GetAsync(key, cancellationToken))
        {
            if (change(stored.Document) is not { } changed)
                return null;
            if (Equals(changed, stored.Document) || await documents.ReplaceAsync(changed, stored.Revision, cancellationToken))
                return changed;
        }

        return null;
    }
}
