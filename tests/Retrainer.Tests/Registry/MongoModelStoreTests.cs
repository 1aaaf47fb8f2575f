using MongoDB.Bson;
using MongoDB.Driver;
using Retrainer.Registry;
using TestSupport;

namespace Retrainer.Tests.Registry;

/// <summary>
/// The model store contract on MongoDB (a database of the test's own on the server <c>MONGODB_URI</c> names;
/// skipped with the reason where it is not set), and what is particular to it.
/// </summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class MongoModelStoreTests(BootstrapModelFixture fixture) : ModelStoreContract(fixture), IDisposable
{
    private readonly List<MongoModelStore> _stores = [];
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("model-store");

    protected override IModelStore CreateStore()
    {
        var store = new MongoModelStore(Server.Database, Time);
        _stores.Add(store);
        return store;
    }

    protected override IModelStore Reopen(IModelStore store) => CreateStore();

    [SkippableFact]
    public async Task The_ONNX_file_is_in_GridFS_and_the_version_document_names_it()
    {
        Skip.If(Fixture.Bundle is null, "the demo data is missing");
        await CreateStore().AddAsync(Fixture.Bundle, CancellationToken.None);

        var version = await Server.Database.GetCollection<BsonDocument>(MongoModelStore.VersionsCollectionName)
            .Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();
        var files = await Server.Database.GetCollection<BsonDocument>(MongoModelStore.ArtifactBucketName + ".files")
            .Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();

        Assert.Equal("flight-delay/1", version["_id"].AsString);
        var file = Assert.Single(files);
        Assert.Equal(version["artifactId"], file["_id"]);
        Assert.Equal(Fixture.Bundle.Onnx.LongLength, file["length"].ToInt64());
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        _database?.Dispose();
    }
}
