using Microsoft.Extensions.Options;

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
                failures.Add(
                    $"{Section}:Provider is MongoDb, which this build does not support yet (it arrives with the distributed " +
                    $"deployment). Use Embedded (the default): SQLite files under {Section}:DataFolder.");
                break;
            default:
                failures.Add($"{Section}:Provider must be Embedded, not {options.Provider}.");
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
}
