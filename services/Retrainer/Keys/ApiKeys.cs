using Contracts.Security;
using MassTransit;
using ServiceDefaults.Security;

namespace Retrainer.Keys;

/// <summary>
/// The platform's API keys (docs/security.md), owned by the Retrainer: created (the key shown once), listed, revoked;
/// after every change the list every service checks against (<see cref="ApiKeysChanged"/>, hashes only) is announced.
/// </summary>
public sealed partial class ApiKeys(ApiKeyStore store, IBus bus, ApiKeyDirectory directory, TimeProvider time, ILogger<ApiKeys> logger)
{
    /// <summary>Creates a key; returns it stored and the whole key, which is never shown again.</summary>
    public async Task<(ApiKey Stored, string Key)> CreateAsync(string name, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt, string createdBy, CancellationToken cancellationToken)
    {
        var (keyId, key) = ApiKeySecret.Create();
        return (await SaveNewAsync(keyId, key, name, scopes, expiresAt, createdBy, cancellationToken), key);
    }

    /// <summary>
    /// Takes <paramref name="key"/>, made elsewhere (an operator's secret store), as a key of the platform; returns it
    /// stored. The caller has checked its form (<see cref="ApiKeySecret.TryParse"/>).
    /// </summary>
    public Task<ApiKey> ImportAsync(string key, string name, IReadOnlyList<string> scopes, string createdBy, CancellationToken cancellationToken)
    {
        if (!ApiKeySecret.TryParse(key, out var keyId))
            throw new ArgumentException("Not the form of an API key (mlp_<id>_<secret>).", nameof(key));
        return SaveNewAsync(keyId, key, name, scopes, expiresAt: null, createdBy, cancellationToken);
    }

    private async Task<ApiKey> SaveNewAsync(
        string keyId, string key, string name, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt, string createdBy, CancellationToken cancellationToken)
    {
        var stored = new ApiKey
        {
            KeyId = keyId,
            Name = name,
            Sha256 = ApiKeySecret.Hash(key),
            Scopes = [.. Scopes.All.Where(scopes.Contains)],
            CreatedAt = time.GetUtcNow(),
            CreatedBy = createdBy,
            ExpiresAt = expiresAt,
        };
        await store.SaveAsync(stored, cancellationToken);
        LogCreated(logger, keyId, stored.Scopes, createdBy);
        await AnnounceAsync(cancellationToken);
        return stored;
    }

    /// <summary>Every key, revoked ones included, oldest first.</summary>
    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>Revokes a key; returns it revoked (or as it was, when it already was), or null when there is no such key.</summary>
    public async Task<ApiKey?> RevokeAsync(string keyId, string revokedBy, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(keyId, cancellationToken) is not { } key)
            return null;
        if (key.IsRevoked)
            return key;
        var revoked = key with { RevokedAt = time.GetUtcNow() };
        await store.SaveAsync(revoked, cancellationToken);
        LogRevoked(logger, keyId, revokedBy);
        await AnnounceAsync(cancellationToken);
        return revoked;
    }

    /// <summary>
    /// The list services check against: every key not revoked. Its time is the latest creation or revocation, so a
    /// service keeps it over any older announcement and replaces it with any newer one.
    /// </summary>
    public async Task<ApiKeysChanged> DirectoryAsync(CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(cancellationToken);
        var changedAt = keys.Select(key => key.RevokedAt ?? key.CreatedAt).DefaultIfEmpty(DateTimeOffset.UnixEpoch).Max();
        return new ApiKeysChanged(
            [.. keys.Where(key => !key.IsRevoked).Select(key => new ApiKeyEntry(key.KeyId, key.Sha256, key.Scopes, key.ExpiresAt))],
            changedAt);
    }

    /// <summary>
    /// Gives this process's own checks the list at once (so the key owner, and the embedded host, never wait for their
    /// own announcement) and announces it to every other process.
    /// </summary>
    public async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        var list = await DirectoryAsync(cancellationToken);
        directory.Update(list);
        await bus.Publish(list, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {KeyId} created with scopes {Scopes} by {CreatedBy}")]
    private static partial void LogCreated(ILogger logger, string keyId, IReadOnlyList<string> scopes, string createdBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {KeyId} revoked by {RevokedBy}")]
    private static partial void LogRevoked(ILogger logger, string keyId, string revokedBy);
}
