using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.Storage;

/// <summary>The storage settings every service with a store shares.</summary>
public static class StorageExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> from the <c>Storage</c> section and validates them at start-up
    /// (<see cref="StorageOptionsValidator"/>). Call it from a service's <c>AddX</c>; in the embedded host
    /// several services call it and the options are bound once.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(service => service.ServiceType == typeof(StorageMarker)))
            return builder;

        var section = builder.Configuration.GetSection(StorageOptions.SectionName);
        builder.Services.AddSingleton<StorageMarker>();
        builder.Services.AddOptions<StorageOptions>()
            .Configure(_ => RefuseUnknownProvider(section))
            .Bind(section)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
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
                $"files under {StorageOptions.SectionName}:DataFolder); MongoDb arrives with the distributed deployment.");
        }
    }

    private sealed class StorageMarker;
}
