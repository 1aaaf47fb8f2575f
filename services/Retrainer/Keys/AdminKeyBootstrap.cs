using Microsoft.Extensions.Options;
using ServiceDefaults.Security;
using ServiceDefaults.Storage;

namespace Retrainer.Keys;

/// <summary>
/// The first admin key: when the Retrainer starts with security on and no key at all, it creates one with every scope,
/// writes it to <see cref="SecurityOptions.AdminKeyFile"/> (by default <c>admin-key</c> in the store's data folder; mode 0600: only the platform's user reads it) and logs where
/// it is, never the key. Otherwise it does nothing.
/// </summary>
public sealed partial class AdminKeyBootstrap(ApiKeys keys, IOptions<SecurityOptions> options, IOptions<StorageOptions> storage, ILogger<AdminKeyBootstrap> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || (await keys.ListAsync(cancellationToken)).Count > 0)
            return;
        var (stored, key) = await keys.CreateAsync("first admin key", Scopes.All, expiresAt: null, createdBy: "bootstrap", cancellationToken);
        var file = Path.GetFullPath(settings.AdminKeyFile ?? Path.Combine(storage.Value.DataFolder, "admin-key"));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var write = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
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
}
