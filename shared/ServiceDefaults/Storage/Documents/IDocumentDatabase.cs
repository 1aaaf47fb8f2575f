namespace ServiceDefaults.Storage.Documents;

/// <summary>A service's database (a SQLite file, a MongoDB database), registered by <see cref="StorageExtensions.AddDocumentDatabase"/>.</summary>
public interface IDocumentDatabase
{
    /// <summary>The collection <paramref name="schema"/> describes (created with its indexes on first use).</summary>
    IDocuments<T> Collection<T>(DocumentSchema<T> schema);
}
