using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Tests;

/// <summary>FeedbackCollector's embedded database as the service opens it (with its upgrade scripts), and ways to watch or hold its collections.</summary>
public static class TestDatabases
{
    /// <summary>The service's upgrade scripts.</summary>
    public static IReadOnlyList<string> Upgrades { get; } = EmbeddedDatabase.UpgradesIn(typeof(FeedbackCollectorService).Assembly);

    /// <summary>The service's database file in <paramref name="storage"/>'s data folder.</summary>
    public static EmbeddedDatabase Embedded(StorageOptions storage) => new(storage.DatabasePathOf(FeedbackCollectorService.StoreName), Upgrades);

    /// <summary><paramref name="database"/>, with its collection of <typeparamref name="TDocument"/> passed through <paramref name="wrap"/>.</summary>
    public static IDocumentDatabase Wrapping<TDocument>(this IDocumentDatabase database, Func<IDocuments<TDocument>, IDocuments<TDocument>> wrap) =>
        new WrappingDatabase<TDocument>(database, wrap);

    private sealed class WrappingDatabase<TDocument>(IDocumentDatabase inner, Func<IDocuments<TDocument>, IDocuments<TDocument>> wrap) : IDocumentDatabase
    {
        public IDocuments<T> Collection<T>(DocumentSchema<T> schema)
        {
            var collection = inner.Collection(schema);
            return collection is IDocuments<TDocument> documents ? (IDocuments<T>)wrap(documents) : collection;
        }
    }
}

/// <summary>A collection that does what <c>inner</c> does; a test overrides the calls it watches or holds.</summary>
public class ForwardingDocuments<T>(IDocuments<T> inner) : IDocuments<T>
{
    public virtual Task<Versioned<T>?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public virtual IAsyncEnumerable<Versioned<T>> StreamAsync(DocumentQuery query, CancellationToken cancellationToken) => inner.StreamAsync(query, cancellationToken);


    public virtual Task<IReadOnlyDictionary<string, long>> CountByAsync(DocumentQuery query, string field, CancellationToken cancellationToken) =>
        inner.CountByAsync(query, field, cancellationToken);

    public virtual Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<T> documents, CancellationToken cancellationToken) => inner.InsertManyAsync(documents, cancellationToken);

    public virtual Task UpsertAsync(T document, CancellationToken cancellationToken) => inner.UpsertAsync(document, cancellationToken);

    public virtual Task<bool> ReplaceAsync(T document, long revision, CancellationToken cancellationToken) => inner.ReplaceAsync(document, revision, cancellationToken);

    public virtual Task<long> DeleteManyAsync(DocumentQuery query, CancellationToken cancellationToken) => inner.DeleteManyAsync(query, cancellationToken);
}
