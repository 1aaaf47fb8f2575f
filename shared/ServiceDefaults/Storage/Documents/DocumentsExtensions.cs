namespace ServiceDefaults.Storage.Documents;

/// <summary>What typed stores do with a collection beyond its provider's calls, written once.</summary>
public static class DocumentsExtensions
{
    /// <summary>The documents the query selects, without their revisions.</summary>
    public static async Task<IReadOnlyList<T>> ListAsync<T>(this IDocuments<T> documents, DocumentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return [.. (await documents.FindAsync(query, cancellationToken)).Select(found => found.Document)];
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
