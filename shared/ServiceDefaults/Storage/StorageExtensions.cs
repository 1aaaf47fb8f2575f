using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using ServiceDefaults.Storage.Documents;

namespace ServiceDefaults.Storage;

/// <summary>The storage settings every service with a store shares.</summary>
public static class StorageExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> from the <c>Storage</c> section (and the MongoDB server from
    /// <c>ConnectionStrings:MongoDb</c>), validates them at start-up (<see cref="StorageOptions.Errors"/>) and
    /// adds the store's readiness check. Services call it through <see cref="AddStore{TStore}"/>; in the embedded
    /// host several services do, and everything is added once.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(service => service.ServiceType == typeof(StorageMarker)))
            return builder;

        var section = builder.Configuration.GetSection(StorageOptions.SectionName);
        var configuration = builder.Configuration;
        builder.Services.AddSingleton<StorageMarker>();
        builder.Services.AddOptions<StorageOptions>().Configure(_ => RefuseUnknownProvider(section));
        builder.AddValidatedOptions<StorageOptions>(StorageOptions.SectionName)
            .Configure(options => options.MongoDbConnectionString = configuration.GetConnectionString(MongoStore.ConnectionStringName));
        // Resolved only when a store is on MongoDB, so the validator has already required the connection string.
        builder.Services.AddSingleton(services => new MongoStore(
            services.GetRequiredService<IOptions<StorageOptions>>().Value.MongoDbConnectionString
            ?? throw new InvalidOperationException($"ConnectionStrings:{MongoStore.ConnectionStringName} is not set, so there is no MongoDB store.")));
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [HealthCheckExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Registers <paramref name="service"/>'s database as the keyed <see cref="IDocumentDatabase"/> (key: the store name),
    /// on the configured provider: a SQLite file under the data folder, to which the upgrade scripts embedded in
    /// <paramref name="owner"/> are applied first (<see cref="EmbeddedDatabase.UpgradesIn"/>), or a MongoDB database.
    /// </summary>
    public static IHostApplicationBuilder AddDocumentDatabase(this IHostApplicationBuilder builder, string service, Assembly owner)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(owner);
        StoreNames.ThrowIfInvalid(service);
        builder.AddStorage();
        builder.Services.TryAddKeyedSingleton<IDocumentDatabase>(service, (services, _) =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.Provider == StorageProvider.MongoDb
                ? new MongoDocumentDatabase(services.GetRequiredService<MongoStore>().DatabaseOf(service))
                : EmbeddedDatabase.ForService(options, service, EmbeddedDatabase.UpgradesIn(owner));
        });
        return builder;
    }

    /// <summary>
    /// Adds one of a service's stores as a singleton <typeparamref name="TStore"/>, built on the provider the
    /// <c>Storage</c> settings choose: <paramref name="embedded"/> gets the service's SQLite database,
    /// <paramref name="mongoDb"/> the service's MongoDB database. Both implementations pass the same contract tests.
    /// </summary>
    /// <param name="builder">The service's host builder.</param>
    /// <param name="service">The service's store name, e.g. <c>feedbackcollector</c>.</param>
    /// <param name="embedded">Builds the embedded implementation (it owns and disposes the database it is given).</param>
    /// <param name="mongoDb">Builds the MongoDB implementation.</param>
    public static IHostApplicationBuilder AddStore<TStore>(
        this IHostApplicationBuilder builder,
        string service,
        Func<EmbeddedDatabase, TStore> embedded,
        Func<IMongoDatabase, TStore> mongoDb)
        where TStore : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(embedded);
        ArgumentNullException.ThrowIfNull(mongoDb);
        StoreNames.ThrowIfInvalid(service);

        builder.AddStorage();
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.Provider switch
            {
                StorageProvider.MongoDb => mongoDb(services.GetRequiredService<MongoStore>().DatabaseOf(service)),
                _ => embedded(EmbeddedDatabase.ForService(options, service)),
            };
        });
        return builder;
    }

    // Runs before binding: the binder's own error for a name that is not a provider does not list the ones that are.
    private static void RefuseUnknownProvider(IConfigurationSection section)
    {
        var provider = section[nameof(StorageOptions.Provider)];
        if (!string.IsNullOrWhiteSpace(provider) && !Enum.TryParse<StorageProvider>(provider, ignoreCase: true, out _))
        {
            throw new InvalidOperationException(
                $"{StorageOptions.SectionName}:Provider is '{provider}', which is not a store. Use Embedded (the default: SQLite " +
                $"files under {StorageOptions.SectionName}:DataFolder) or MongoDb (with ConnectionStrings:{MongoStore.ConnectionStringName}).");
        }
    }

    private sealed class StorageMarker;
}
