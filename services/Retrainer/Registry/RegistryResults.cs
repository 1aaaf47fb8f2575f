namespace Retrainer.Registry;

/// <summary>A model's versions, newest first, its aliases and the version that serves its traffic.</summary>
/// <param name="ModelName">The model.</param>
/// <param name="Versions">Every version with a readable card, newest first (numeric versions by number).</param>
/// <param name="Aliases">The model's aliases, by name.</param>
/// <param name="ServedVersion">The version that serves traffic (<see cref="ModelRegistry.ServedVersionAsync"/>), or null.</param>
public sealed record ModelVersions(string ModelName, IReadOnlyList<StoredVersion> Versions, IReadOnlyList<ModelAlias> Aliases, string? ServedVersion)
{
    /// <summary>The aliases that point at <paramref name="version"/>.</summary>
    public IReadOnlyList<string> AliasesOf(string version) => [.. Aliases.Where(alias => alias.Version == version).Select(alias => alias.Name)];
}

/// <summary>What became of a registration.</summary>
public enum RegistrationOutcome
{
    /// <summary>The version was stored and announced.</summary>
    Registered,

    /// <summary>The model already has this version; nothing changed.</summary>
    AlreadyExists,
}

/// <summary>The outcome of <see cref="ModelRegistry.RegisterAsync"/>.</summary>
/// <param name="Outcome">Stored, or there already.</param>
/// <param name="Version">The stored version (the existing one when it was there already).</param>
/// <param name="Champion">The champion alias when this registration set it (the model had none), else null.</param>
public sealed record Registration(RegistrationOutcome Outcome, StoredVersion? Version, ModelAlias? Champion);

/// <summary>What became of setting an alias.</summary>
public enum AliasChangeOutcome
{
    /// <summary>The alias was created or moved, and announced.</summary>
    Changed,

    /// <summary>The alias already pointed at that version.</summary>
    Unchanged,

    /// <summary>The model has no usable version of that name.</summary>
    UnknownVersion,
}

/// <summary>The outcome of <see cref="ModelRegistry.SetAliasAsync"/>.</summary>
/// <param name="Outcome">Changed, unchanged or refused.</param>
/// <param name="Alias">The alias as it is now (null when refused).</param>
/// <param name="PreviousVersion">The version it pointed at before (null when it is new or refused).</param>
public sealed record AliasChange(AliasChangeOutcome Outcome, ModelAlias? Alias, string? PreviousVersion);

/// <summary>What became of removing an alias.</summary>
public enum AliasRemoval
{
    /// <summary>Removed and announced.</summary>
    Removed,

    /// <summary>The model has no such alias.</summary>
    NotFound,

    /// <summary>Refused: the champion decides which version serves traffic; it can be moved, not removed.</summary>
    ChampionCannotBeRemoved,
}

/// <summary>What became of deleting a version.</summary>
public enum VersionDeletionOutcome
{
    /// <summary>The card and the ONNX file are gone.</summary>
    Deleted,

    /// <summary>The model has no such version.</summary>
    NotFound,

    /// <summary>Refused: the version serves traffic or an alias points at it.</summary>
    InUse,
}

/// <summary>The outcome of <see cref="ModelRegistry.DeleteAsync"/>.</summary>
/// <param name="Outcome">Deleted, not found or in use.</param>
/// <param name="Reasons">Why it is in use, one sentence each (empty otherwise).</param>
/// <param name="Aliases">The aliases that point at it (when in use).</param>
/// <param name="RemovedAliases">Aliases removed with it because they pointed at no existing version.</param>
public sealed record VersionDeletion(VersionDeletionOutcome Outcome, IReadOnlyList<string> Reasons, IReadOnlyList<string> Aliases, IReadOnlyList<string> RemovedAliases);
