using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.ServedModels;

/// <summary>Lets a service follow the registry's served models (see <see cref="ServedModelsSync"/>).</summary>
public static class ServedModelsExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TSink"/> (a singleton, also resolvable as itself) to receive the served
    /// models. The first call in a host also adds the sync and its <c>ModelRegistered</c>, <c>ModelAliasesChanged</c> and <c>RolloutChanged</c> consumers; the
    /// embedded host, where FeatureBuilder and Inference both call this, runs one sync for both sinks.
    /// Call it from a service's <c>AddX</c>, before <c>AddMessageBus</c>.
    /// </summary>
    public static IHostApplicationBuilder AddServedModels<TSink>(this IHostApplicationBuilder builder)
        where TSink : class, IServedModelsSink
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.TryAddSingleton<TSink>();
        builder.Services.AddSingleton<IServedModelsSink>(provider => provider.GetRequiredService<TSink>());

        if (builder.Services.Any(service => service.ServiceType == typeof(ServedModelsSync)))
            return builder;

        builder.AddValidatedOptions<ServedModelsOptions>(ServedModelsOptions.SectionName);
        builder.Services.AddSingleton<ServedModelsSync>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<ServedModelsSync>());

        // One queue per process (temporary: it goes away with the process), so every replica hears every
        // announcement instead of competing for it.
        var instance = NewId.NextGuid().ToString("N")[..12];
        builder.AddMessageConsumers(bus =>
        {
            bus.AddConsumer<ModelRegisteredConsumer>()
                .Endpoint(endpoint =>
                {
                    endpoint.InstanceId = instance;
                    endpoint.Temporary = true;
                });
            bus.AddConsumer<ModelAliasesChangedConsumer>()
                .Endpoint(endpoint =>
                {
                    endpoint.InstanceId = instance;
                    endpoint.Temporary = true;
                });
            bus.AddConsumer<RolloutChangedConsumer>()
                .Endpoint(endpoint =>
                {
                    endpoint.InstanceId = instance;
                    endpoint.Temporary = true;
                });
        });
        return builder;
    }
}
