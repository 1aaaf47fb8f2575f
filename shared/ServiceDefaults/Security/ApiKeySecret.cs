using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace ServiceDefaults.Security;

/// <summary>
/// The form of an API key: <c>mlp_&lt;key id&gt;_&lt;secret&gt;</c>, the key id 12 lower-case hexadecimal characters
/// (what lists, logs and the audit name), the secret 32 random bytes in base64url (43 characters). Only the SHA-256 of
/// the whole key is stored; the key itself is shown once, when it is created.
/// </summary>
public static class ApiKeySecret
{
    /// <summary>What every key starts with (so a bearer token that is not one goes to the token handler).</summary>
    public const string Prefix = "mlp_";

    private const int KeyIdLength = 12;
    private const int SecretBytes = 32;
    private const int SecretLength = 43;
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>A new key: its id and the whole key (to show once), from the system's cryptographic random source.</summary>
    public static (string KeyId, string Key) Create()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        return (keyId, $"{Prefix}{keyId}_{secret}");
    }

    /// <summary>Whether <paramref name="key"/> has the form of a key; its id when it has.</summary>
    public static bool TryParse(string? key, [NotNullWhen(true)] out string? keyId)
    {
        keyId = null;
        if (key is null || key.Length != Prefix.Length + KeyIdLength + 1 + SecretLength || !key.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var id = key.AsSpan(Prefix.Length, KeyIdLength);
        if (key[Prefix.Length + KeyIdLength] != '_' || id.ContainsAnyExcept(LowerHex))
            return false;
        var secret = key.AsSpan(Prefix.Length + KeyIdLength + 1);
        if (!Base64Url.IsValid(secret, out var decoded) || decoded != SecretBytes)
            return false;
        keyId = id.ToString();
        return true;
    }

    /// <summary>The stored form of <paramref name="key"/>: the lower-case hexadecimal SHA-256 of its UTF-8 bytes.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>Whether <paramref name="key"/> is the key whose stored hash is <paramref name="sha256"/>, in constant time.</summary>
    public static bool Matches(string key, string sha256)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(sha256);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(sha256));
    }
}
