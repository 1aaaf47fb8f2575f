using System.Text.Json;
using Modeling.Bundles;

namespace Retrainer.Registry;

/// <summary>
/// Registers the bundles of the models folder that the model store has no version of: written there by the training
/// command line or the bootstrap, copied in by hand, or registered by the Retrainer before the registry kept its
/// versions as documents. Such a version is registered at the time of its <c>registration.json</c> (written by that
/// Retrainer) or else of its card file, and a model without aliases gets those of its <c>aliases.json</c> (the same).
/// <see cref="BootstrapModelService"/> runs it when the Retrainer starts.
/// </summary>
public static class ModelsFolderImport
{
    /// <summary>Registers what the folder has and the store has not; returns the versions it registered.</summary>
    public static async Task<IReadOnlyList<StoredVersion>> ImportAsync(ModelStore store, string modelsFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var root = new DirectoryInfo(modelsFolder);
        var imported = new List<StoredVersion>();
        foreach (var folder in root.Exists ? root.EnumerateDirectories().SelectMany(model => model.EnumerateDirectories()) : [])
        {
            var (model, version) = (folder.Parent!.Name, folder.Name);
            // A folder whose card names another model or version is left alone, as is one that is not a usable bundle.
            if (await store.DescribeAsync(model, version, cancellationToken) is null
                && (await ModelBundle.ReadAsync(folder.FullName, cancellationToken)).Bundle is { } bundle
                && (bundle.Card.Name, bundle.Card.Version) == (model, version)
                && await store.AddAsync(bundle, RegisteredAt(folder), cancellationToken)
                && await store.DescribeAsync(model, version, cancellationToken) is { } stored)
                imported.Add(stored);
        }

        foreach (var model in await store.ModelNamesAsync(cancellationToken))
        {
            if ((await store.AliasesAsync(model, cancellationToken)).Count > 0)
                continue;
            foreach (var (alias, entry) in Read<Dictionary<string, AliasEntry>>(Path.Combine(root.FullName, model, "aliases.json")) ?? [])
                await store.AddAliasAsync(new ModelAlias(model, alias, entry.Version, entry.UpdatedAt), cancellationToken);
        }

        return imported;
    }

    private static DateTimeOffset RegisteredAt(DirectoryInfo folder) =>
        Read<Registration>(Path.Combine(folder.FullName, "registration.json"))?.RegisteredAt
        ?? new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(folder.FullName, ModelBundle.CardFileName)), TimeSpan.Zero);

    // Written by the Retrainer before the document store; a file that is missing or does not read gives nothing.
    private static T? Read<T>(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), JsonSerializerOptions.Web);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return default;
        }
    }

    /// <summary>A version's <c>registration.json</c>: <c>{"registeredAt": "…"}</c>.</summary>
    private sealed record Registration(DateTimeOffset RegisteredAt);

    /// <summary>One alias of <c>aliases.json</c>: <c>{"champion": {"version": "3", "updatedAt": "…"}}</c>.</summary>
    private sealed record AliasEntry(string Version, DateTimeOffset UpdatedAt);
}
