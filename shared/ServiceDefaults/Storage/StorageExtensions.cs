using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using ServiceDefaults.Storage.Documents;

namespace ServiceDefaults.Storage;

/// <summary>How a service gets its database.</summary>
public static class StorageExtensions
{
    /// <summary>
    /// Registers <paramref name="service"/>'s database as the keyed <see cref="IDocumentDatabase"/> (key: the store name) on
    /// the configured provider: a SQLite file under <c>Storage:DataFolder</c>, to which the upgrade scripts embedded in
    /// <paramref name="owner"/> are applied first (<see cref="EmbeddedDatabase.UpgradesIn"/>), or a MongoDB database on
    /// <c>ConnectionStrings:MongoDb</c>. The first call also binds and validates <see cref="StorageOptions"/> and adds the
    /// store's readiness check (in the embedded host several services call it).
    /// </summary>
    public static IHostApplicationBuilder AddDocumentDatabase(this IHostApplicationBuilder builder, string service, Assembly owner)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(owner);
        StoreNames.Checked(service);
        if (!builder.Services.Any(registered => registered.ServiceType == typeof(IMongoClient)))
        {
            var configuration = builder.Configuration;
            builder.AddValidatedOptions<StorageOptions>(StorageOptions.SectionName)
                .Configure(options => options.MongoDbConnectionString = configuration.GetConnectionString(MongoDocumentDatabase.ConnectionStringName));
            // Resolved only on MongoDB, where the options' Errors have required the connection string.
            builder.Services.AddSingleton<IMongoClient>(services => new MongoClient(services.GetRequiredService<IOptions<StorageOptions>>().Value.MongoDbConnectionString));
            builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", failureStatus: null, [HealthCheckExtensions.ReadyTag], TimeSpan.FromSeconds(3));
        }

        builder.Services.TryAddKeyedSingleton<IDocumentDatabase>(service, (services, _) =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.Provider == StorageProvider.MongoDb
                ? new MongoDocumentDatabase(services.GetRequiredService<IMongoClient>(), service)
                : new EmbeddedDatabase(options.DatabasePathOf(service), EmbeddedDatabase.UpgradesIn(owner));
        });
        return builder;
    }
}
