using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace ServiceDefaults.Storage;

/// <summary>Refuses to start with storage settings that cannot work, naming the key to fix.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = StorageOptions.SectionName;
        var failures = new List<string>();

        switch (options.Provider)
        {
            case StorageProvider.Embedded:
                break;
            case StorageProvider.MongoDb:
                ValidateMongoDb(options.MongoDbConnectionString, failures);
                break;
            default:
                failures.Add($"{Section}:Provider must be Embedded or MongoDb, not {options.Provider}.");
                break;
        }

        if (string.IsNullOrWhiteSpace(options.DataFolder))
        {
            failures.Add($"{Section}:DataFolder must name a folder (the default is .data/store).");
        }
        else if (options.DataFolder.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{Section}:DataFolder '{options.DataFolder}' is not a valid path.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateMongoDb(string? connectionString, List<string> failures)
    {
        const string Key = "ConnectionStrings:" + MongoStore.ConnectionStringName;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add(
                $"{StorageOptions.SectionName}:Provider is MongoDb but {Key} (env ConnectionStrings__{MongoStore.ConnectionStringName}) is not set: " +
                "give the server, e.g. mongodb://mongodb:27017/?replicaSet=rs0.");
            return;
        }

        try
        {
            _ = MongoUrl.Create(connectionString);
        }
        catch (MongoConfigurationException exception)
        {
            // The driver's message explains what is wrong, but may quote the string, which may hold a password.
            var reason = exception.Message.Replace(connectionString, "<the connection string>", StringComparison.Ordinal);
            failures.Add($"{Key} is not a MongoDB connection string: {reason}");
        }
    }
}
