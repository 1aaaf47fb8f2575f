using Microsoft.Extensions.Options;
using ServiceDefaults.Security;
using ServiceDefaults.Storage;

namespace Retrainer.Keys;

/// <summary>
/// The first admin key: when the Retrainer starts with security on and no key at all, it takes the key in
/// <see cref="SecurityOptions.AdminKeyFile"/> when that file exists (an operator's own secret, e.g. a mounted Kubernetes
/// Secret), and otherwise creates one with every scope and writes it there (by default <c>admin-key</c> in the store's
/// data folder; mode 0600: only the platform's user reads it), logging where it is, never the key. A file that does not
/// hold a key stops the start with the reason. When keys exist it announces them (this process's checks have them
/// before it takes requests).
/// </summary>
public sealed partial class AdminKeyBootstrap(ApiKeys keys, IOptions<SecurityOptions> options, IOptions<StorageOptions> storage, ILogger<AdminKeyBootstrap> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
            return;
        if ((await keys.ListAsync(cancellationToken)).Count > 0)
        {
            await keys.AnnounceAsync(cancellationToken);
            return;
        }

        var file = Path.GetFullPath(string.IsNullOrWhiteSpace(settings.AdminKeyFile) ? Path.Combine(storage.Value.DataFolder, "admin-key") : settings.AdminKeyFile);
        if (File.Exists(file))
        {
            var given = (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
            if (!ApiKeySecret.TryParse(given, out _))
                throw new InvalidOperationException($"{file} (Security:AdminKeyFile) does not hold an API key of the form mlp_<12 hex>_<43 base64url>; delete it to have one created, or put a key there.");
            var imported = await keys.ImportAsync(given, "first admin key", Scopes.All, createdBy: "bootstrap", cancellationToken);
            LogImported(logger, imported.KeyId, file);
            return;
        }

        var (stored, key) = await keys.CreateAsync("first admin key", Scopes.All, expiresAt: null, createdBy: "bootstrap", cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var write = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            write.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var stream = new FileStream(file, write))
        await using (var writer = new StreamWriter(stream))
            await writer.WriteLineAsync(key);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        LogWritten(logger, stored.KeyId, file);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API key existed: created admin key {KeyId} with every scope and wrote it to {File} (mode 0600). Send it as 'Authorization: Bearer <key>'; create other keys with POST /api/v1/keys")]
    private static partial void LogWritten(ILogger logger, string keyId, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API key existed: took admin key {KeyId} with every scope from {File}. Create other keys with POST /api/v1/keys")]
    private static partial void LogImported(ILogger logger, string keyId, string file);
}
