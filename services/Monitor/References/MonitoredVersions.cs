using System.Collections.Concurrent;
using Contracts.Models;
using Microsoft.Extensions.Options;
using Modeling.Cards;
using Monitor.Windows;
using ServiceDefaults.ServedModels;

namespace Monitor.References;

/// <summary>
/// The model versions Monitor watches: their reference profiles (from the cards the registry serves; a version
/// that stops serving is still watched, as its traffic may still be arriving) and their windows.
/// </summary>
public sealed partial class MonitoredVersions(
    IOptions<MonitoringOptions> options,
    TimeProvider time,
    ILogger<MonitoredVersions> logger) : IServedModelsSink
{
    private readonly ConcurrentDictionary<(string Model, string Version), ReferenceProfile> _profiles = new();
    private readonly ConcurrentDictionary<(string Model, string Version), VersionWindows> _windows = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every version with windows.</summary>
    public IReadOnlyList<VersionWindows> All => [.. _windows.Values];

    /// <inheritdoc />
    public Task ApplyAsync(ServedModelsResponse served, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(served);
        // Challengers too: a rollout's versions are watched side by side.
        foreach (var model in served.Models)
        {
            if (_profiles.ContainsKey((model.ModelName, model.Version)))
                continue;
            var read = ModelCardReader.Read(model.CardJson);
            if (read.Card is not { } card)
            {
                LogUnreadableCard(logger, model.ModelName, model.Version);
                continue;
            }

            _profiles[(model.ModelName, model.Version)] = ReferenceProfile.From(card, SegmentBy());
            LogWatching(logger, model.ModelName, model.Version);
        }

        _synced.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>Waits until the served models were fetched once, at most <paramref name="timeout"/>; whether they were.</summary>
    public async Task<bool> WaitUntilSyncedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _synced.Task.WaitAsync(timeout, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The windows of a version, created on its first event; null when Monitor has no card for it.</summary>
    public VersionWindows? Windows(string model, string version)
    {
        if (_windows.TryGetValue((model, version), out var windows))
            return windows;
        if (!_profiles.TryGetValue((model, version), out var profile))
            return null;
        return _windows.GetOrAdd((model, version), _ => new VersionWindows(profile, options.Value, time.GetUtcNow()));
    }

    /// <summary>The windows of a version if it has any.</summary>
    public VersionWindows? Existing(string model, string version) => _windows.GetValueOrDefault((model, version));

    private IReadOnlyCollection<string> SegmentBy() => options.Value.SegmentBy.Count > 0 ? [.. options.Value.SegmentBy] : ["origin"];

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching {Model} version {Version}")]
    private static partial void LogWatching(ILogger logger, string model, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The card of {Model} version {Version} cannot be read; its traffic is not monitored")]
    private static partial void LogUnreadableCard(ILogger logger, string model, string version);
}
