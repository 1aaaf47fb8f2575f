using Contracts.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Modeling.Bundles;
using Modeling.Cards;

namespace Retrainer.Registry;

/// <summary>
/// The model registry over the model store (<see cref="ModelStore"/>): versions, aliases, and which version
/// serves each model's traffic. Every change is announced (<see cref="IRegistryEvents"/>).
/// </summary>
/// <remarks>
/// <para>The served version of a model is its <c>champion</c> alias. A model without one (a store from before
/// aliases, or bundles copied into the models folder) is served by its latest usable version, versions comparing
/// as numbers when both are numbers. Registering a version never moves traffic: the first version of a model
/// becomes its champion, and registering into a model without a champion first pins the version that serves now.</para>
/// <para>Changes are serialized in this process (the Retrainer runs one instance); reads are not.</para>
/// </remarks>
public sealed partial class ModelRegistry(
    ModelStore store, TimeProvider time, IRegistryEvents? events = null, ILogger<ModelRegistry>? logger = null) : IDisposable
{
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger ?? NullLogger<ModelRegistry>.Instance;

    /// <summary>The served version of every model (of <paramref name="modelName"/> only, when given), with its card.</summary>
    public async Task<IReadOnlyList<ServedModel>> ServedAsync(string? modelName, CancellationToken cancellationToken)
    {
        var names = modelName is null ? await store.ModelNamesAsync(cancellationToken) : [modelName];
        var served = new List<ServedModel>();
        foreach (var name in names)
        {
            if (await ServedBundleAsync(name, cancellationToken) is { } bundle)
                served.Add(new ServedModel(name, bundle.Card.Version, ModelCardJson.Serialize(bundle.Card), ModelBundle.Sha256Of(bundle.Onnx)));
        }

        return served;
    }

    /// <summary>The version that serves <paramref name="modelName"/>'s traffic, or null when none can.</summary>
    public async Task<string?> ServedVersionAsync(string modelName, CancellationToken cancellationToken) =>
        (await ServedBundleAsync(modelName, cancellationToken))?.Card.Version;

    /// <summary>The bundle of one version, or null when there is no usable one.</summary>
    public Task<ModelBundle?> FindAsync(string modelName, string version, CancellationToken cancellationToken) =>
        store.FindAsync(modelName, version, cancellationToken);

    /// <summary>The model's versions, aliases and served version; null for a model with no version.</summary>
    public async Task<ModelVersions?> VersionsAsync(string modelName, CancellationToken cancellationToken)
    {
        var versions = await store.ListAsync(modelName, cancellationToken);
        if (versions.Count == 0)
            return null;
        return new ModelVersions(
            modelName,
            [.. versions.OrderByDescending(version => version.Version, VersionComparer.Instance)],
            await store.AliasesAsync(modelName, cancellationToken),
            await ServedVersionAsync(modelName, cancellationToken));
    }

    /// <summary>One version described, or null when there is none.</summary>
    public Task<StoredVersion?> DescribeAsync(string modelName, string version, CancellationToken cancellationToken) =>
        store.DescribeAsync(modelName, version, cancellationToken);

    /// <summary>The model's aliases, by name.</summary>
    public Task<IReadOnlyList<ModelAlias>> AliasesAsync(string modelName, CancellationToken cancellationToken) =>
        store.AliasesAsync(modelName, cancellationToken);

    /// <summary>
    /// Stores a new version (its card's name and version) and announces it with <see cref="ModelRegistered"/>. The
    /// first version of a model becomes its champion; otherwise the served version does not change (a model without
    /// a champion gets the version that serves it now pinned as champion, before the new version exists).
    /// </summary>
    /// <param name="bundle">The card (valid) and ONNX file (checked against the card by the caller).</param>
    /// <param name="trigger">What led to the version (<c>ModelRegistered.Trigger</c>): <c>bootstrap</c>, <c>manual</c>, <c>drift</c>, <c>schedule</c>, <c>external</c>, <c>import</c>.</param>
    /// <param name="cancellationToken">Stops waiting; a change that has started completes.</param>
    /// <exception cref="InvalidOperationException">When the card is not valid.</exception>
    public async Task<Registration> RegisterAsync(ModelBundle bundle, string trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (ModelCardValidator.Validate(bundle.Card) is { Count: > 0 } errors)
            throw new InvalidOperationException($"The model card is invalid; nothing was registered: {string.Join("; ", errors)}");
        var (name, version) = (bundle.Card.Name, bundle.Card.Version);
        ModelAlias? champion = null;
        StoredVersion? stored;
        List<ModelAliasesChanged> aliasChanges = [];

        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (await store.DescribeAsync(name, version, CancellationToken.None) is { } existing)
                return new Registration(RegistrationOutcome.AlreadyExists, existing, null);

            if (await ChampionOfAsync(name, CancellationToken.None) is null && await LatestUsableAsync(name, CancellationToken.None) is { } servedNow)
            {
                // Pinned before the new version exists, so no request for the served models sees it served.
                var pinned = new ModelAlias(name, AliasNames.Champion, servedNow.Card.Version, _time.GetUtcNow());
                if (await store.AddAliasAsync(pinned, CancellationToken.None))
                    aliasChanges.Add(await ChangedAsync(pinned, pinned.Version, null));
            }

            if (!await store.AddAsync(bundle, _time.GetUtcNow(), CancellationToken.None))
                return new Registration(RegistrationOutcome.AlreadyExists, await store.DescribeAsync(name, version, CancellationToken.None), null);

            if (await ChampionOfAsync(name, CancellationToken.None) is null)
            {
                champion = new ModelAlias(name, AliasNames.Champion, version, _time.GetUtcNow());
                if (await store.AddAliasAsync(champion, CancellationToken.None))
                    aliasChanges.Add(await ChangedAsync(champion, version, null));
                else
                    champion = null;
            }

            stored = await store.DescribeAsync(name, version, CancellationToken.None);
        }
        finally
        {
            _changes.Release();
        }

        LogRegistered(name, version, trigger);
        await AnnounceAsync(name, version, trigger, stored?.RegisteredAt ?? _time.GetUtcNow(), cancellationToken);
        foreach (var change in aliasChanges)
            await PublishAsync(change, cancellationToken);
        return new Registration(RegistrationOutcome.Registered, stored, champion);
    }

    /// <summary>
    /// Makes the version that serves <paramref name="modelName"/> now its champion when it has none (a model whose
    /// bundles were written straight into the models folder); nothing otherwise.
    /// </summary>
    /// <returns>The champion it set, or null.</returns>
    public async Task<ModelAlias?> EnsureChampionAsync(string modelName, CancellationToken cancellationToken)
    {
        ModelAliasesChanged? change = null;
        ModelAlias? champion = null;
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (await ChampionOfAsync(modelName, CancellationToken.None) is null && await LatestUsableAsync(modelName, CancellationToken.None) is { } servedNow)
            {
                champion = new ModelAlias(modelName, AliasNames.Champion, servedNow.Card.Version, _time.GetUtcNow());
                if (await store.AddAliasAsync(champion, CancellationToken.None))
                    change = await ChangedAsync(champion, champion.Version, null);
                else
                    champion = null;
            }
        }
        finally
        {
            _changes.Release();
        }

        if (change is not null)
            await PublishAsync(change, cancellationToken);
        return champion;
    }

    /// <summary>
    /// Replaces the reference statistics (and, when given, the metrics) in a version's card and announces the version again
    /// (<see cref="ModelRegistered"/>), so the services that follow the served models read its card anew; the version as
    /// changed, or null when there is none.
    /// </summary>
    public async Task<StoredVersion?> SetReferenceAsync(string modelName, string version, ReferenceStatistics reference, TrainingMetrics? metrics, CancellationToken cancellationToken)
    {
        if (!await store.SetReferenceAsync(modelName, version, reference, metrics, cancellationToken)
            || await store.DescribeAsync(modelName, version, cancellationToken) is not { } changed)
            return null;
        await AnnounceAsync(modelName, version, changed.Card.Lineage?.Trigger ?? "external", changed.RegisteredAt, cancellationToken);
        return changed;
    }

    /// <summary>Announces a stored version again (<see cref="ModelRegistered"/>), e.g. at start-up for services that asked before it existed.</summary>
    public async Task AnnounceAsync(string modelName, string version, string trigger, DateTimeOffset registeredAt, CancellationToken cancellationToken)
    {
        if (events is not null)
            await events.RegisteredAsync(new ModelRegistered(modelName, version, store.LocationOf(modelName, version), registeredAt, trigger), cancellationToken);
    }

    /// <summary>
    /// Points <paramref name="alias"/> at <paramref name="version"/> (creating or moving it) and announces it with
    /// <see cref="ModelAliasesChanged"/>; moving <c>champion</c> switches the served version.
    /// </summary>
    public async Task<AliasChange> SetAliasAsync(string modelName, string alias, string version, CancellationToken cancellationToken)
    {
        if (!AliasNames.IsValid(alias))
            throw new ArgumentException($"'{alias}' is not an alias name ({AliasNames.Pattern}).", nameof(alias));

        ModelAliasesChanged change;
        ModelAlias moved;
        string? previous;
        await _changes.WaitAsync(cancellationToken);
        try
        {
            // A champion must be servable; any alias must name a version that exists and loads.
            if (await store.FindAsync(modelName, version, CancellationToken.None) is null)
                return new AliasChange(AliasChangeOutcome.UnknownVersion, null, null);
            var existing = (await store.AliasesAsync(modelName, CancellationToken.None)).FirstOrDefault(candidate => candidate.Name == alias);
            if (existing?.Version == version)
                return new AliasChange(AliasChangeOutcome.Unchanged, existing, null);

            previous = existing?.Version;
            moved = new ModelAlias(modelName, alias, version, _time.GetUtcNow());
            await store.SetAliasAsync(moved, CancellationToken.None);
            change = await ChangedAsync(moved, version, previous);
        }
        finally
        {
            _changes.Release();
        }

        LogAliasMoved(modelName, alias, previous ?? "(none)", version);
        await PublishAsync(change, cancellationToken);
        return new AliasChange(AliasChangeOutcome.Changed, moved, previous);
    }

    /// <summary>Removes an alias other than <c>champion</c> and announces it.</summary>
    public async Task<AliasRemoval> RemoveAliasAsync(string modelName, string alias, CancellationToken cancellationToken)
    {
        if (alias == AliasNames.Champion)
            return AliasRemoval.ChampionCannotBeRemoved;

        ModelAliasesChanged change;
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var existing = (await store.AliasesAsync(modelName, CancellationToken.None)).FirstOrDefault(candidate => candidate.Name == alias);
            if (existing is null || !await store.RemoveAliasAsync(modelName, alias, CancellationToken.None))
                return AliasRemoval.NotFound;
            change = await ChangedAsync(existing, null, existing.Version);
        }
        finally
        {
            _changes.Release();
        }

        await PublishAsync(change, cancellationToken);
        return AliasRemoval.Removed;
    }

    /// <summary>
    /// Deletes a version's card and ONNX file, unless it serves traffic or an alias points at it (then nothing
    /// changes and the reasons say which). Aliases left pointing at no version are removed with it.
    /// </summary>
    public async Task<VersionDeletion> DeleteAsync(string modelName, string version, CancellationToken cancellationToken)
    {
        var removed = new List<ModelAliasesChanged>();
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (await store.DescribeAsync(modelName, version, CancellationToken.None) is null)
                return new VersionDeletion(VersionDeletionOutcome.NotFound, [], [], []);

            var aliases = await store.AliasesAsync(modelName, CancellationToken.None);
            var pointing = aliases.Where(alias => alias.Version == version).Select(alias => alias.Name).ToList();
            var reasons = pointing.Select(alias => alias == AliasNames.Champion
                ? $"version {version} is the champion of '{modelName}': it serves the model's traffic (move the champion alias to another version first)"
                : $"the alias '{alias}' points at version {version} (move or delete the alias first)").ToList();
            if (!aliases.Any(alias => alias.Name == AliasNames.Champion) && (await LatestUsableAsync(modelName, CancellationToken.None))?.Card.Version == version)
                reasons.Add($"version {version} serves the traffic of '{modelName}' as its latest version (the model has no champion alias: set one first)");
            if (reasons.Count > 0)
                return new VersionDeletion(VersionDeletionOutcome.InUse, reasons, pointing, []);

            await store.DeleteAsync(modelName, version, CancellationToken.None);

            var remaining = (await store.VersionsAsync(modelName, CancellationToken.None)).ToHashSet(StringComparer.Ordinal);
            foreach (var dangling in aliases.Where(alias => !remaining.Contains(alias.Version)))
            {
                if (await store.RemoveAliasAsync(modelName, dangling.Name, CancellationToken.None))
                    removed.Add(await ChangedAsync(dangling, null, dangling.Version));
            }
        }
        finally
        {
            _changes.Release();
        }

        LogDeleted(modelName, version);
        foreach (var change in removed)
            await PublishAsync(change, cancellationToken);
        return new VersionDeletion(VersionDeletionOutcome.Deleted, [], [], [.. removed.Select(change => change.Alias)]);
    }

    /// <summary>The model's uploaded training dataset, or null when it has none.</summary>
    public Task<TrainingDataset?> TrainingDatasetAsync(string modelName, CancellationToken cancellationToken) =>
        store.TrainingDatasetAsync(modelName, cancellationToken);

    /// <summary>The file of a training dataset, from its start (the caller disposes it), or null when it is gone.</summary>
    public Task<Stream?> OpenTrainingDatasetAsync(TrainingDataset dataset, CancellationToken cancellationToken) =>
        store.OpenTrainingDatasetAsync(dataset, cancellationToken);

    /// <summary>Keeps <paramref name="content"/> as its model's training dataset, described by <paramref name="dataset"/>, replacing the one the model had.</summary>
    public async Task<TrainingDataset> SetTrainingDatasetAsync(TrainingDataset dataset, Stream content, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            return await store.SetTrainingDatasetAsync(dataset, content, CancellationToken.None);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Deletes the model's training dataset; true when it had one.</summary>
    public async Task<bool> DeleteTrainingDatasetAsync(string modelName, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            return await store.DeleteTrainingDatasetAsync(modelName, CancellationToken.None);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _changes.Dispose();

    // The champion when it is usable; a model without one (or whose champion's files are damaged: logged)
    // is served by its latest usable version rather than not at all.
    private async Task<ModelBundle?> ServedBundleAsync(string modelName, CancellationToken cancellationToken)
    {
        if (await ChampionOfAsync(modelName, cancellationToken) is { } champion)
        {
            if (await store.FindAsync(modelName, champion.Version, cancellationToken) is { } bundle)
                return bundle;
            LogChampionUnusable(modelName, champion.Version);
        }

        return await LatestUsableAsync(modelName, cancellationToken);
    }

    private async Task<ModelAlias?> ChampionOfAsync(string modelName, CancellationToken cancellationToken) =>
        (await store.AliasesAsync(modelName, cancellationToken)).FirstOrDefault(alias => alias.Name == AliasNames.Champion);

    private async Task<ModelBundle?> LatestUsableAsync(string modelName, CancellationToken cancellationToken)
    {
        foreach (var version in (await store.VersionsAsync(modelName, cancellationToken)).OrderDescending(VersionComparer.Instance))
        {
            if (await store.FindAsync(modelName, version, cancellationToken) is { } bundle)
                return bundle;
        }

        return null;
    }

    // The event after a change, with every alias and the served version as they are now.
    private async Task<ModelAliasesChanged> ChangedAsync(ModelAlias alias, string? version, string? previousVersion)
    {
        var aliases = await store.AliasesAsync(alias.ModelName, CancellationToken.None);
        return new ModelAliasesChanged(
            alias.ModelName,
            alias.Name,
            version,
            previousVersion,
            aliases.ToDictionary(candidate => candidate.Name, candidate => candidate.Version, StringComparer.Ordinal),
            await ServedVersionAsync(alias.ModelName, CancellationToken.None),
            _time.GetUtcNow());
    }

    private Task PublishAsync(ModelAliasesChanged change, CancellationToken cancellationToken) =>
        events?.AliasesChangedAsync(change, cancellationToken) ?? Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered model {Name} version {Version} ({Trigger})")]
    private partial void LogRegistered(string name, string version, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name}: alias {Alias} moved from {Previous} to {Version}")]
    private partial void LogAliasMoved(string name, string alias, string previous, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted model {Name} version {Version}")]
    private partial void LogDeleted(string name, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "The champion of model {Name}, version {Version}, is not usable; its latest usable version serves instead")]
    private partial void LogChampionUnusable(string name, string version);

    /// <summary>Orders versions as numbers when both are numbers, else as text.</summary>
    internal sealed class VersionComparer : IComparer<string>
    {
        public static readonly VersionComparer Instance = new();

        public int Compare(string? x, string? y) =>
            long.TryParse(x, out var left) && long.TryParse(y, out var right)
                ? left.CompareTo(right)
                : string.CompareOrdinal(x, y);
    }
}
