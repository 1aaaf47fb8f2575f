using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ServiceDefaults.Storage;

/// <summary>
/// Readiness of the store: with MongoDB, the server answers a ping within the check's timeout (3 s, where it is
/// registered); the embedded store is a local file and is always reachable.
/// </summary>
internal sealed class StoreHealthCheck(IOptions<StorageOptions> options, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        if (options.Value.Provider != StorageProvider.MongoDb)
            return HealthCheckResult.Healthy("Embedded store (SQLite files under the data folder).");
        try
        {
            var admin = services.GetRequiredService<IMongoClient>().GetDatabase("admin");
            await admin.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy("MongoDB answers.");
        }
        catch (Exception exception) when (exception is MongoException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"MongoDB does not answer: {exception.Message}");
        }
    }
}
