using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using Retrainer.Registry;
using ServiceDefaults.Storage.Documents;

namespace Retrainer.Tests.Registry;

/// <summary>
/// The model store contract on MongoDB with GridFS (a database of the test's own on the server <c>MONGODB_URI</c> names;
/// skipped with the reason where it is not set), and what is particular to it.
/// </summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class ModelStoreMongoTests(BootstrapModelFixture fixture) : ModelStoreContract(fixture), IDisposable
{
    private MongoDbTestDatabase? _database;

    private MongoDbTestDatabase Server => _database ??= MongoDbTestDatabase.Open("model-store");

    protected override ModelStore CreateStore() =>
        new(new MongoDocumentDatabase(Server.Database), new GridFsModelFiles(Server.Database));

    protected override ModelStore Reopen(ModelStore store) => CreateStore();

    [SkippableFact]
    public async Task The_ONNX_file_is_in_GridFS_and_the_version_document_names_it()
    {
        Skip.If(Fixture.Bundle is null, "the demo data is missing");
        await CreateStore().AddAsync(Fixture.Bundle, DateTimeOffset.UnixEpoch, CancellationToken.None);

        var version = await Server.Database.GetCollection<BsonDocument>("model_versions")
            .Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();
        var files = await Server.Database.GetCollection<BsonDocument>("artifacts.files")
            .Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();

        Assert.Equal("flight-delay/1", version["_id"].AsString);
        var file = Assert.Single(files);
        Assert.Equal(file["_id"].AsObjectId.ToString(), JsonDocument.Parse(version["document"].AsString).RootElement.GetProperty("file").GetString());
        Assert.Equal(Fixture.Bundle.Onnx.LongLength, file["length"].ToInt64());
    }

    public void Dispose() => _database?.Dispose();
}
