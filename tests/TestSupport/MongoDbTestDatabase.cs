using MongoDB.Driver;
using Xunit;

namespace TestSupport;

/// <summary>
/// A MongoDB database of a test's own, on the server <c>MONGODB_URI</c> names (the GitHub Actions workflow
/// runs one); dropped when disposed. Where <c>MONGODB_URI</c> is not set, <see cref="Open"/> skips the
/// calling test with the reason (the test must be a <c>[SkippableFact]</c>), so a run without MongoDB says
/// "skipped", never "passed".
/// </summary>
public sealed class MongoDbTestDatabase : IDisposable
{
    /// <summary>The environment variable that names the test server.</summary>
    public const string UriVariable = "MONGODB_URI";

    /// <summary>The reason a MongoDB test is skipped here.</summary>
    public const string SkipReason =
        $"{UriVariable} is not set, so the MongoDB half of the store contract tests did not run here (the GitHub Actions workflow runs it against a MongoDB service container).";

    private readonly MongoClient _client;

    private MongoDbTestDatabase(string uri, string databaseName)
    {
        _client = new MongoClient(uri);
        DatabaseName = databaseName;
    }

    /// <summary>The connection string of the test server.</summary>
    public static string? Uri => Environment.GetEnvironmentVariable(UriVariable) is { Length: > 0 } uri ? uri : null;

    /// <summary>The database's unique name.</summary>
    public string DatabaseName { get; }

    /// <summary>
    /// A new, empty database named <c>{prefix}-{random}</c> (lower-case letters, digits and dashes, as the
    /// platform's store names are); skips the test when <c>MONGODB_URI</c> is not set.
    /// </summary>
    public static MongoDbTestDatabase Open(string prefix)
    {
        Skip.If(Uri is null, SkipReason);
        return new MongoDbTestDatabase(Uri!, $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)]);
    }

    /// <summary>The database with the settings the platform's <c>MongoDocumentDatabase</c> uses (majority write and read concern).</summary>
    public IMongoDatabase Database => _client.GetDatabase(DatabaseName, new MongoDatabaseSettings
    {
        WriteConcern = WriteConcern.WMajority.With(journal: true),
        ReadConcern = ReadConcern.Majority,
    });

    /// <summary>Drops the database and closes the connections.</summary>
    public void Dispose()
    {
        _client.DropDatabase(DatabaseName);
        _client.Dispose();
    }
}
