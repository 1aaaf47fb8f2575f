using FeedbackCollector.Predictions;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Tests.Predictions;

/// <summary>The prediction log contract on the embedded store (SQLite in a temporary folder).</summary>
public sealed class SqlitePredictionLogTests : PredictionLogContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"prediction-log-{Guid.NewGuid():N}");

    protected override IPredictionLog CreateLog() => new SqlitePredictionLog(new EmbeddedDatabase(Path.Combine(_folder, "feedbackcollector.db")));

    protected override IPredictionLog ReopenLog() => CreateLog();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
