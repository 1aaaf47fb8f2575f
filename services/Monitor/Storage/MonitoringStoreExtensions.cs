using ServiceDefaults.Storage;

namespace Monitor.Storage;

/// <summary>Registers Monitor's store in the provider the <c>Storage</c> settings choose.</summary>
public static class MonitoringStoreExtensions
{
    /// <summary>The name of Monitor's database (<c>monitor.db</c> embedded, the <c>monitor</c> database in MongoDB).</summary>
    public const string StoreName = "monitor";

    /// <summary>Adds <see cref="IMonitoringStore"/>; MongoDB expires buckets <paramref name="bucketRetention"/> after their end.</summary>
    public static IHostApplicationBuilder AddMonitoringStore(this IHostApplicationBuilder builder, TimeSpan bucketRetention)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddStore<IMonitoringStore>(
            StoreName,
            embedded: database => new SqliteMonitoringStore(database),
            mongoDb: database => new MongoMonitoringStore(database, bucketRetention));
    }
}
