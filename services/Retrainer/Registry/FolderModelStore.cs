using System.Text.Json;
using Modeling.Bundles;
using Modeling.Cards;

namespace Retrainer.Registry;

/// <summary>
/// Model versions as bundle folders, <c>{root}/{name}/{version}/</c> (the embedded store, and where the training
/// command line writes): a version exists when its folder has a card; bundles are written atomically, the time of
/// registration (<c>registration.json</c>, by the store's clock) first, then the ONNX file, the card last. A model's
/// aliases are <c>{root}/{name}/aliases.json</c>, replaced atomically.
/// </summary>
/// <remarks>
/// One process owns the folder (the Retrainer: one instance). Alias changes are serialized inside it; the command
/// line only adds version folders, which never touch the aliases file.
/// </remarks>
public sealed partial class FolderModelStore(string root, TimeProvider time, ILogger<FolderModelStore> logger) : IModelStore, IDisposable
{
    /// <summary>The aliases file inside a model's folder.</summary>
    public const string AliasesFileName = "aliases.json";

    /// <summary>The file inside a version's folder that says when the store registered it.</summary>
    public const string RegistrationFileName = "registration.json";

    private static readonly JsonSerializerOptions AliasesJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly SemaphoreSlim _aliasesLock = new(1, 1);

    /// <summary>The models folder.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <inheritdoc />
    public async Task<bool> AddAsync(ModelBundle bundle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        // Checked before anything is written: an invalid card (or a name that is no folder name) leaves no trace.
        if (ModelCardValidator.Validate(bundle.Card) is { Count: > 0 } errors)
            throw new InvalidOperationException($"The model card is invalid; nothing was stored: {string.Join("; ", errors)}");
        if (File.Exists(CardPath(bundle.Card.Name, bundle.Card.Version)))
            return false;
        // Before the card, which makes the version exist: a version this store registered always has its time.
        var registration = Path.Combine(ModelBundle.FolderOf(Root, bundle.Card.Name, bundle.Card.Version), RegistrationFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(registration)!);
        await WriteAtomicallyAsync(registration, JsonSerializer.SerializeToUtf8Bytes(new Registration(time.GetUtcNow()), AliasesJson), cancellationToken);
        await bundle.WriteAsync(Root, cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ModelNamesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(
            Directory.Exists(Root) ? [.. Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)] : []);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> VersionsAsync(string modelName, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Root, modelName);
        return Task.FromResult<IReadOnlyList<string>>(
            RegistryNames.IsPlain(modelName) && Directory.Exists(folder)
                ? [.. Directory.EnumerateDirectories(folder).Select(Path.GetFileName).OfType<string>()]
                : []);
    }

    /// <inheritdoc />
    public async Task<ModelBundle?> FindAsync(string modelName, string version, CancellationToken cancellationToken)
    {
        // Names and versions come from messages: never let one climb out of the models folder.
        if (!RegistryNames.IsPlain(modelName) || !RegistryNames.IsPlain(version))
            return null;
        var read = await ModelBundle.ReadAsync(ModelBundle.FolderOf(Root, modelName, version), cancellationToken);
        if (read.Bundle is null && Directory.Exists(ModelBundle.FolderOf(Root, modelName, version)))
            LogUnusable(modelName, version, string.Join("; ", read.Errors));
        return read.Bundle;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredVersion>> ListAsync(string modelName, CancellationToken cancellationToken)
    {
        var described = new List<StoredVersion>();
        foreach (var version in await VersionsAsync(modelName, cancellationToken))
        {
            if (await DescribeAsync(modelName, version, cancellationToken) is { } stored)
                described.Add(stored);
        }

        return described;
    }

    /// <inheritdoc />
    public async Task<StoredVersion?> DescribeAsync(string modelName, string version, CancellationToken cancellationToken)
    {
        if (!RegistryNames.IsPlain(modelName) || !RegistryNames.IsPlain(version))
            return null;
        var cardPath = CardPath(modelName, version);
        if (!File.Exists(cardPath) || (await ModelCardReader.ReadFileAsync(cardPath, cancellationToken)).Card is not { } card)
            return null;
        var onnx = new FileInfo(Path.Combine(ModelBundle.FolderOf(Root, modelName, version), card.Artifact.File));
        if (!onnx.Exists)
            return null;
        // Bundles written by the registry carry their checksum; one copied in by hand may not.
        var sha256 = card.Artifact.Sha256 ?? ModelBundle.Sha256Of(await File.ReadAllBytesAsync(onnx.FullName, cancellationToken));
        return new StoredVersion(modelName, version, card, sha256, onnx.Length, await RegisteredAtAsync(modelName, version, cardPath, cancellationToken));
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string modelName, string version, CancellationToken cancellationToken)
    {
        if (!RegistryNames.IsPlain(modelName) || !RegistryNames.IsPlain(version))
            return false;
        var folder = ModelBundle.FolderOf(Root, modelName, version);
        var cardPath = CardPath(modelName, version);
        if (!File.Exists(cardPath))
            return false;

        // The card first: a folder without a card is no version, whatever is left of it after a crash.
        File.Delete(cardPath);
        Directory.Delete(folder, recursive: true);

        // The model's last version gone: its aliases (pointing nowhere) and its folder go too.
        var modelFolder = Path.Combine(Root, modelName);
        if (!Directory.EnumerateDirectories(modelFolder).Any())
        {
            await _aliasesLock.WaitAsync(cancellationToken);
            try
            {
                File.Delete(Path.Combine(modelFolder, AliasesFileName));
                if (!Directory.EnumerateFileSystemEntries(modelFolder).Any())
                    Directory.Delete(modelFolder);
            }
            finally
            {
                _aliasesLock.Release();
            }
        }

        return true;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelAlias>> AliasesAsync(string modelName, CancellationToken cancellationToken)
    {
        if (!RegistryNames.IsPlain(modelName))
            return [];
        var entries = await ReadAliasesAsync(modelName, cancellationToken);
        return [.. entries.OrderBy(entry => entry.Key, StringComparer.Ordinal).Select(entry => new ModelAlias(modelName, entry.Key, entry.Value.Version, entry.Value.UpdatedAt))];
    }

    /// <inheritdoc />
    public Task<bool> AddAliasAsync(ModelAlias entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ChangeAliasesAsync(entry.ModelName, entries => entries.TryAdd(entry.Name, new AliasEntry(entry.Version, entry.UpdatedAt)), cancellationToken);
    }

    /// <inheritdoc />
    public Task SetAliasAsync(ModelAlias entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ChangeAliasesAsync(entry.ModelName, entries =>
        {
            entries[entry.Name] = new AliasEntry(entry.Version, entry.UpdatedAt);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveAliasAsync(string modelName, string aliasName, CancellationToken cancellationToken) =>
        ChangeAliasesAsync(modelName, entries => entries.Remove(aliasName), cancellationToken);

    /// <inheritdoc />
    public Uri LocationOf(string modelName, string version) =>
        new(ModelBundle.FolderOf(Root, modelName, version) + Path.DirectorySeparatorChar);

    /// <inheritdoc />
    public void Dispose() => _aliasesLock.Dispose();

    private string CardPath(string modelName, string version) =>
        Path.Combine(ModelBundle.FolderOf(Root, modelName, version), ModelBundle.CardFileName);

    private string AliasesPath(string modelName) => Path.Combine(Root, modelName, AliasesFileName);

    // The time this store recorded when it registered the version. A bundle written into the folder by the training
    // command line, or registered before the store recorded times, has none: its card, written last and never
    // rewritten, was written when the version came.
    private async Task<DateTimeOffset> RegisteredAtAsync(string modelName, string version, string cardPath, CancellationToken cancellationToken)
    {
        var path = Path.Combine(ModelBundle.FolderOf(Root, modelName, version), RegistrationFileName);
        if (File.Exists(path))
        {
            try
            {
                await using var stream = File.OpenRead(path);
                if (await JsonSerializer.DeserializeAsync<Registration>(stream, AliasesJson, cancellationToken) is { RegisteredAt: var registeredAt })
                    return registeredAt;
            }
            catch (JsonException exception)
            {
                LogUnreadableRegistration(path, exception.Message);
            }
        }

        return new DateTimeOffset(File.GetLastWriteTimeUtc(cardPath), TimeSpan.Zero);
    }

    // Written to a temporary file and moved into place, so a reader (or a crash) never sees half a file.
    private static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    // Read, change, write the whole file under the lock; written to a temporary file and moved over the old
    // one, so a reader (or a crash) sees the old aliases or the new ones, never half a file.
    private async Task<bool> ChangeAliasesAsync(string modelName, Func<Dictionary<string, AliasEntry>, bool> change, CancellationToken cancellationToken)
    {
        if (!RegistryNames.IsPlain(modelName))
            throw new ArgumentException($"'{modelName}' is not a plain model name.", nameof(modelName));

        await _aliasesLock.WaitAsync(cancellationToken);
        try
        {
            var entries = await ReadAliasesAsync(modelName, cancellationToken);
            if (!change(entries))
                return false;
            var path = AliasesPath(modelName);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await WriteAtomicallyAsync(path, JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, AliasEntry>(entries, StringComparer.Ordinal), AliasesJson), cancellationToken);
            return true;
        }
        finally
        {
            _aliasesLock.Release();
        }
    }

    private async Task<Dictionary<string, AliasEntry>> ReadAliasesAsync(string modelName, CancellationToken cancellationToken)
    {
        var path = AliasesPath(modelName);
        if (!File.Exists(path))
            return new Dictionary<string, AliasEntry>(StringComparer.Ordinal);
        try
        {
            await using var stream = File.OpenRead(path);
            var entries = await JsonSerializer.DeserializeAsync<Dictionary<string, AliasEntry>>(stream, AliasesJson, cancellationToken);
            return new Dictionary<string, AliasEntry>(entries ?? [], StringComparer.Ordinal);
        }
        catch (JsonException exception)
        {
            // Never written half (see ChangeAliasesAsync): only a hand edit breaks it. Serving then follows the
            // latest version, as without aliases, rather than stopping; the next alias change rewrites the file.
            LogUnreadableAliases(path, exception.Message);
            return new Dictionary<string, AliasEntry>(StringComparer.Ordinal);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Name} version {Version} is not usable and is skipped: {Errors}")]
    private partial void LogUnusable(string name, string version, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "The aliases file {Path} cannot be read and is ignored: {Reason}")]
    private partial void LogUnreadableAliases(string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registration file {Path} cannot be read; the card's file time stands for it: {Reason}")]
    private partial void LogUnreadableRegistration(string path, string reason);

    /// <summary>One alias in <c>aliases.json</c>: <c>{"champion": {"version": "3", "updatedAt": "…"}}</c>.</summary>
    private sealed record AliasEntry(string Version, DateTimeOffset UpdatedAt);

    /// <summary>A version's <c>registration.json</c>: <c>{"registeredAt": "…"}</c>.</summary>
    private sealed record Registration(DateTimeOffset RegisteredAt);
}

/// <summary>Model names and versions come from messages and URLs; only plain names reach a store.</summary>
public static class RegistryNames
{
    /// <summary>Whether <paramref name="value"/> is a non-empty name without path characters.</summary>
    public static bool IsPlain(string value) =>
        !string.IsNullOrEmpty(value) && value.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && value is not "." and not ".." && !value.Contains('/', StringComparison.Ordinal);
}
