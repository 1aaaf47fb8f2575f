namespace ServiceDefaults.Storage.Documents;

/// <summary>
/// One service's database (a SQLite file, a MongoDB database): its typed stores open their collections here. A service
/// registers it with <see cref="StorageExtensions.AddDocumentDatabase"/> and its stores take it as
/// <c>[FromKeyedServices(StoreName)] IDocumentDatabase</c>.
/// </summary>
public interface IDocumentDatabase
{
    /// <summary>The collection <paramref name="schema"/> describes (created with its indexes on first use).</summary>
    IDocuments<T> Collection<T>(DocumentSchema<T> schema);
}
