using System.Net.Http.Headers;
using Contracts.Security;
using Microsoft.Extensions.DependencyInjection;
using ServiceDefaults.Security;

namespace TestSupport;

/// <summary>
/// The API keys tests call the platform with. <see cref="Admin"/> has every scope; a Retrainer started with
/// <c>Security:AdminKeyFile</c> = <see cref="AdminKeyFile"/> takes it as its first key and announces it to every service,
/// as an operator's own admin key would be. A host without the key owner is given keys with <see cref="Trust"/>.
/// </summary>
public static class TestKeys
{
    private static readonly Lazy<string> File = new(WriteAdminKeyFile);

    /// <summary>A key with every scope, made for this test run.</summary>
    public static string Admin { get; } = ApiKeySecret.Create().Key;

    /// <summary>A file holding <see cref="Admin"/> (mode 0600), for <c>Security__AdminKeyFile</c>.</summary>
    public static string AdminKeyFile => File.Value;

    /// <summary>A new key with <paramref name="scopes"/> and its entry, for <see cref="Trust"/>.</summary>
    public static (string Key, ApiKeyEntry Entry) Create(params string[] scopes)
    {
        var (keyId, key) = ApiKeySecret.Create();
        return (key, new ApiKeyEntry(keyId, ApiKeySecret.Hash(key), scopes, ExpiresAt: null));
    }

    /// <summary>The entry of <see cref="Admin"/>.</summary>
    public static ApiKeyEntry AdminEntry
    {
        get
        {
            if (!ApiKeySecret.TryParse(Admin, out var keyId))
                throw new InvalidOperationException("The tests' admin key is not of the form of a key.");
            return new ApiKeyEntry(keyId, ApiKeySecret.Hash(Admin), Scopes.All, ExpiresAt: null);
        }
    }

    /// <summary>
    /// Gives a host without the key owner its keys, as an announcement would: <see cref="Admin"/> and <paramref name="others"/>.
    /// Dated at the epoch, so the key owner's own announcement (where there is one) replaces it.
    /// </summary>
    public static void Trust(IServiceProvider services, params ApiKeyEntry[] others)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.GetRequiredService<ApiKeyDirectory>().Update(new ApiKeysChanged([AdminEntry, .. others], DateTimeOffset.UnixEpoch));
    }

    /// <summary>Makes <paramref name="client"/> send <paramref name="key"/> (by default <see cref="Admin"/>) with every request.</summary>
    public static HttpClient Authorized(HttpClient client, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key ?? Admin);
        return client;
    }

    private static string WriteAdminKeyFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"test-admin-key-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
            writer.WriteLine(Admin);
        return path;
    }
}
