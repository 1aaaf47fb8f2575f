using MongoDB.Driver;

namespace ServiceDefaults.Storage;

/// <summary>Idempotent inserts for MongoDB stores whose documents are keyed by their natural id.</summary>
public static class MongoInserts
{
    /// <summary>
    /// Inserts the documents whose <c>_id</c> is not stored yet, in one unordered bulk write (every document is
    /// tried even when some are duplicates); a duplicate key counts as "already there", any other error throws.
    /// </summary>
    /// <returns>How many were new.</returns>
    public static async Task<int> InsertNewAsync<TDocument>(
        this IMongoCollection<TDocument> collection, IReadOnlyCollection<TDocument> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
            return 0;
        try
        {
            await collection.InsertManyAsync(documents, new InsertManyOptions { IsOrdered = false }, cancellationToken);
            return documents.Count;
        }
        catch (MongoBulkWriteException<TDocument> exception)
            when (exception.WriteConcernError is null && exception.WriteErrors.All(error => error.Category == ServerErrorCategory.DuplicateKey))
        {
            return documents.Count - exception.WriteErrors.Count;
        }
    }
}
