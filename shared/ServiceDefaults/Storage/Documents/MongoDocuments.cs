using System.Runtime.CompilerServices;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ServiceDefaults.Storage.Documents;

/// <summary>
/// A collection in the service's MongoDB database, laid out as <see cref="SqliteDocuments{T}"/> lays out its table: <c>_id</c>
/// (the key), <c>revision</c>, <c>document</c> (JSON text), <c>f_</c> + each field.
/// </summary>
public sealed class MongoDocuments<T> : IDocuments<T>
{
    private readonly DocumentSchema<T> _collection;
    private readonly IMongoCollection<BsonDocument> _documents;
    private Task? _indexes;

    /// <summary>The collection in <paramref name="database"/>; its indexes are created on first use.</summary>
    public MongoDocuments(IMongoDatabase database, DocumentSchema<T> collection)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(collection);
        (_collection, _documents) = (collection, database.GetCollection<BsonDocument>(StoreNames.Checked(collection.Name)));
    }

    public async IAsyncEnumerable<Versioned<T>> StreamAsync(DocumentQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sort = new BsonDocument();
        foreach (var order in query.Order)
            sort.Add(Field(order.Field), order.Descending ? -1 : 1);
        sort.Add("_id", query.Order.Count > 0 && query.Order[^1].Descending ? -1 : 1);
        using var cursor = await _documents.Find(Filter(query)).Sort(sort).Limit(query.Limit).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var document in cursor.Current)
                yield return Read(document);
        }
    }

    public async Task<IReadOnlyDictionary<string, long>> CountByAsync(DocumentQuery query, string field, CancellationToken cancellationToken)
    {
        var groups = await _documents.Aggregate()
            .Match(Filter(query))
            .Group(new BsonDocument { { "_id", "$" + Field(field) }, { "count", new BsonDocument("$sum", 1L) } })
            .ToListAsync(cancellationToken);
        return groups.ToDictionary(
            group => group["_id"].IsBsonNull ? "" : Convert.ToString(BsonTypeMapper.MapToDotNetValue(group["_id"]), System.Globalization.CultureInfo.InvariantCulture)!,
            group => group["count"].ToInt64(),
            StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<T> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var inserted = Enumerable.Repeat(true, documents.Count).ToArray();
        if (documents.Count == 0)
            return inserted;
        await IndexesAsync(cancellationToken);
        try
        {
            await _documents.InsertManyAsync(documents.Select(document => Write(document, revision: 1)), new InsertManyOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<BsonDocument> exception)
            when (exception.WriteConcernError is null && exception.WriteErrors.All(error => error.Category == ServerErrorCategory.DuplicateKey))
        {
            foreach (var error in exception.WriteErrors)
                inserted[error.Index] = false;
        }

        return inserted;
    }

    public async Task UpsertAsync(T document, CancellationToken cancellationToken)
    {
        await IndexesAsync(cancellationToken);
        var written = Write(document, revision: 1);
        written.Remove("_id");
        written.Remove("revision");
        var update = new BsonDocument { { "$set", written }, { "$inc", new BsonDocument("revision", 1L) } };
        await _documents.UpdateOneAsync(KeyIs(_collection.Key(document)), update, new UpdateOptions { IsUpsert = true }, cancellationToken);
    }

    public async Task<bool> ReplaceAsync(T document, long revision, CancellationToken cancellationToken) =>
        (await _documents.ReplaceOneAsync(KeyIs(_collection.Key(document)) & Builders<BsonDocument>.Filter.Eq("revision", revision),
            Write(document, revision + 1), cancellationToken: cancellationToken)).ModifiedCount == 1;

    public async Task<long> DeleteManyAsync(DocumentQuery query, CancellationToken cancellationToken) =>
        (await _documents.DeleteManyAsync(Filter(query), cancellationToken)).DeletedCount;

    // Before the writes that add documents (reads need no index before there is data): once per collection object,
    // creating existing indexes again being a no-op; a failure is retried on next use.
    private Task IndexesAsync(CancellationToken cancellationToken)
    {
        if (_indexes is not { IsFaulted: false, IsCanceled: false })
            _indexes = CreateIndexesAsync();
        return _indexes.WaitAsync(cancellationToken);
    }

    private async Task CreateIndexesAsync()
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        var models = _collection.Indexes
            .Select(index => new CreateIndexModel<BsonDocument>(keys.Combine([.. index.Select(name => keys.Ascending("f_" + _collection.Field(name).Name)), keys.Ascending("_id")])))
            .ToList();
        if (models.Count > 0)
            await _documents.Indexes.CreateManyAsync(models);
    }

    private static FilterDefinition<BsonDocument> KeyIs(string key) => Builders<BsonDocument>.Filter.Eq("_id", key);

    private FilterDefinition<BsonDocument> Filter(DocumentQuery query)
    {
        var filters = Builders<BsonDocument>.Filter;
        var all = filters.Empty;
        foreach (var condition in query.Conditions)
        {
            var field = Field(condition.Field);
            all &= condition.Comparison switch
            {
                Comparison.In => filters.In(field, ((System.Collections.IEnumerable)condition.Value!).Cast<object?>().Select(Value)),
                Comparison.Equal => filters.Eq(field, Value(condition.Value)),
                Comparison.Less => filters.Lt(field, Value(condition.Value)),
                Comparison.LessOrEqual => filters.Lte(field, Value(condition.Value)),
                Comparison.Greater => filters.Gt(field, Value(condition.Value)),
                _ => filters.Gte(field, Value(condition.Value)),
            };
        }

        return all;
    }

    private string Field(string name) => name == DocumentQuery.KeyField ? "_id" : "f_" + _collection.Field(name).Name;

    private static BsonValue Value(object? value) => BsonValue.Create(FieldValue.Stored(value));

    private BsonDocument Write(T document, long revision)
    {
        ArgumentNullException.ThrowIfNull(document);
        var written = new BsonDocument
        {
            { "_id", _collection.Key(document) },
            { "revision", revision },
            { "document", JsonSerializer.Serialize(document, _collection.Json) },
        };
        foreach (var field in _collection.Fields)
            written.Add("f_" + field.Name, Value(field.Read(document)));
        return written;
    }

    // A collection written before the document store has no 'document' field: say so rather than fail on a missing key.
    private Versioned<T> Read(BsonDocument stored) =>
        stored.TryGetValue("document", out var json) && json.IsString
            ? new(JsonSerializer.Deserialize<T>(json.AsString, _collection.Json) ?? throw new InvalidDataException($"A document of '{_collection.Name}' is null."), stored["revision"].ToInt64())
            : throw new InvalidDataException($"The MongoDB collection '{_collection.Name}' holds a document in the layout of a version before the document store (docs/storage.md, \"Upgrading\").");
}
