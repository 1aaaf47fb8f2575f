namespace Contracts.Security;

/// <summary>
/// The platform's API keys as every service checks them: sent by the key owner (the Retrainer) whenever a key is
/// created or revoked, and as the answer to <see cref="ApiKeysRequest"/>. It holds hashes only: a key's secret is never
/// stored or sent.
/// </summary>
/// <param name="Keys">Every key that is not revoked (expired ones included: a service refuses them by their expiry).</param>
/// <param name="ChangedAt">When the owner's list last changed; a service keeps the newest list it has seen.</param>
public sealed record ApiKeysChanged(IReadOnlyList<ApiKeyEntry> Keys, DateTimeOffset ChangedAt);

/// <summary>Asks the key owner for <see cref="ApiKeysChanged"/>; sent by every service when it starts.</summary>
public sealed record ApiKeysRequest;

/// <summary>One API key as services check it.</summary>
/// <param name="KeyId">The key's id (12 hexadecimal characters, part of the key).</param>
/// <param name="Sha256">The lower-case hexadecimal SHA-256 of the whole key.</param>
/// <param name="Scopes">What the key may do: <c>predict</c>, <c>feedback</c>, <c>read</c>, <c>admin</c>.</param>
/// <param name="ExpiresAt">When it stops working, or null.</param>
public sealed record ApiKeyEntry(string KeyId, string Sha256, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);
