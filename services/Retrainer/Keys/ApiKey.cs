namespace Retrainer.Keys;

/// <summary>One API key as the key owner keeps it: never its secret, only the SHA-256 of the whole key.</summary>
public sealed record ApiKey
{
    /// <summary>The key's id, part of the key (<c>mlp_&lt;id&gt;_&lt;secret&gt;</c>).</summary>
    public required string KeyId { get; init; }

    /// <summary>What it is for, for people.</summary>
    public required string Name { get; init; }

    /// <summary>The lower-case hexadecimal SHA-256 of the whole key.</summary>
    public required string Sha256 { get; init; }

    /// <summary>What it may do: <c>predict</c>, <c>feedback</c>, <c>read</c>, <c>admin</c>.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who created it (a key id or a token's subject; <c>bootstrap</c> for the first admin key).</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When it stops working, or null.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When it was revoked, or null.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Whether it was revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;
}
