using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Storage;

/// <summary>The storage settings every service with a store shares.</summary>
public static class StorageExtensions
{
    /// <summary>Binds and validates <see cref="StorageOptions"/> (once per host). Call it from a service's <c>AddX</c>.</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(service => service.ServiceType == typeof(StorageMarker)))
            return builder;

        builder.Services.AddSingleton<StorageMarker>();
        builder.Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.SectionName))
            .Validate(options => Enum.IsDefined(options.Provider), "Storage:Provider must be Embedded (MongoDb arrives with the deployment issue).")
            .Validate(options => !string.IsNullOrWhiteSpace(options.DataFolder), "Storage:DataFolder must name a folder.")
            .ValidateOnStart();
        return builder;
    }

    private sealed class StorageMarker;
}
