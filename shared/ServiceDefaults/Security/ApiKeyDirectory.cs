using Contracts.Security;

namespace ServiceDefaults.Security;

/// <summary>
/// The API keys this process checks requests against: the newest <see cref="ApiKeysChanged"/> it has seen (the key
/// owner's broadcast, or its answer at start-up). Until the first list arrives it knows no key. Thread-safe: the list
/// is replaced whole.
/// </summary>
public sealed class ApiKeyDirectory(TimeProvider time)
{
    private volatile Snapshot? _snapshot;

    /// <summary>Whether a list has arrived (until then every key is unknown: the service answers 503).</summary>
    public bool IsLoaded => _snapshot is not null;

    /// <summary>Keeps <paramref name="changed"/> unless the list held is newer.</summary>
    public void Update(ApiKeysChanged changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var next = new Snapshot(changed.ChangedAt, changed.Keys.ToDictionary(key => key.KeyId, StringComparer.Ordinal));
        Snapshot? current;
        do
        {
            current = _snapshot;
            if (current is not null && current.ChangedAt > next.ChangedAt)
                return;
        }
        while (Interlocked.CompareExchange(ref _snapshot, next, current) != current);
    }

    /// <summary>What <paramref name="key"/> is: a valid key with its id and scopes, or why it is not.</summary>
    public ApiKeyCheck Check(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!ApiKeySecret.TryParse(key, out var keyId))
            return ApiKeyCheck.Malformed;
        if (_snapshot is not { } snapshot || !snapshot.Keys.TryGetValue(keyId, out var entry) || !ApiKeySecret.Matches(key, entry.Sha256))
            return ApiKeyCheck.Unknown;
        if (entry.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
            return ApiKeyCheck.Expired(keyId);
        return ApiKeyCheck.Valid(keyId, entry.Scopes);
    }

    private sealed record Snapshot(DateTimeOffset ChangedAt, Dictionary<string, ApiKeyEntry> Keys);
}

/// <summary>The result of checking a presented key.</summary>
/// <param name="Outcome">What it is.</param>
/// <param name="KeyId">Its id, when it is a known key.</param>
/// <param name="Scopes">Its scopes, when it is valid.</param>
public sealed record ApiKeyCheck(ApiKeyOutcome Outcome, string? KeyId, IReadOnlyList<string> Scopes)
{
    /// <summary>Not the form of a key.</summary>
    public static readonly ApiKeyCheck Malformed = new(ApiKeyOutcome.Malformed, null, []);

    /// <summary>No such key (or revoked, or the secret does not match).</summary>
    public static readonly ApiKeyCheck Unknown = new(ApiKeyOutcome.Unknown, null, []);

    /// <summary>A known key past its expiry.</summary>
    public static ApiKeyCheck Expired(string keyId) => new(ApiKeyOutcome.Expired, keyId, []);

    /// <summary>A valid key.</summary>
    public static ApiKeyCheck Valid(string keyId, IReadOnlyList<string> scopes) => new(ApiKeyOutcome.Valid, keyId, scopes);
}

/// <summary>What a presented key turned out to be.</summary>
public enum ApiKeyOutcome
{
    /// <summary>A key that may be used.</summary>
    Valid,

    /// <summary>Not the form of a key.</summary>
    Malformed,

    /// <summary>No such key, revoked, or a wrong secret.</summary>
    Unknown,

    /// <summary>Past its expiry.</summary>
    Expired,
}
