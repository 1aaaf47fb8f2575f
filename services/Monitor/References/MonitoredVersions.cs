using System.Text.Json;
using System.Collections.Concurrent;
using Contracts.Models;
using MassTransit;
using Microsoft.Extensions.Options;
using Modeling.Cards;
using Monitor.Windows;
using ServiceDefaults.ServedModels;

namespace Monitor.References;

/// <summary>
/// The model versions Monitor watches: their reference profiles (from the cards the registry serves; a version that
/// stops serving is still watched, as its traffic may still be arriving) and their windows. A card served again with
/// other content for the same version (the registry replaced its reference) rebuilds the version's profile at once
/// (<see cref="VersionWindows.Rebase"/>). A version whose card has no reference statistics is compared with a live
/// reference: the statistics of its first <see cref="MonitoringOptions.LiveReferenceRows"/> predictions, sent to the
/// registry (<see cref="LiveReferenceBuilt"/>), which writes it into the version's card, so a restart reads it from the card.
/// </summary>
public sealed partial class MonitoredVersions(
    IOptions<MonitoringOptions> options,
    IBus bus,
    TimeProvider time,
    ILogger<MonitoredVersions> logger) : IServedModelsSink, IDisposable
{
    private readonly ConcurrentDictionary<(string Model, string Version), Watched> _watched = new();
    private readonly ConcurrentDictionary<(string Model, string Version), VersionWindows> _windows = new();
    private readonly ConcurrentDictionary<(string Model, string Version), ReferenceStatistics> _live = new();
    private readonly ConcurrentDictionary<(string Model, string Version), (ReferenceStatistics Statistics, DateTimeOffset BuiltAt)> _unsaved = new();
    private readonly SemaphoreSlim _changing = new(1, 1);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Completed (and replaced) each time a list of served models has been applied.
    private TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every version with windows.</summary>
    public IReadOnlyList<VersionWindows> All => [.. _windows.Values];

    /// <inheritdoc />
    public void Dispose() => _changing.Dispose();

    /// <inheritdoc />
    public async Task ApplyAsync(ServedModelsResponse served, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(served);
        await _changing.WaitAsync(cancellationToken);
        try
        {
            // Challengers too: a rollout's versions are watched side by side.
            foreach (var model in served.Models)
            {
                var key = (model.ModelName, model.Version);
                var known = _watched.TryGetValue(key, out var watched);
                if (known && watched!.CardJson == model.CardJson)
                    continue;
                var read = ModelCardReader.Read(model.CardJson);
                if (read.Card is not { } card)
                {
                    LogUnreadableCard(logger, model.ModelName, model.Version);
                    continue;
                }

                var live = ReferenceKind.HasStatistics(card.Reference) ? null : _live.GetValueOrDefault(key);
                var profile = ReferenceProfile.From(card, live);
                _watched[key] = new Watched(model.CardJson, profile);
                if (_windows.TryGetValue(key, out var windows))
                {
                    lock (windows)
                    {
                        windows.Rebase(profile);
                        windows.CollectingReference = profile.Reference is null ? windows.CollectingReference ?? NewLiveReference(card) : null;
                    }
                }

                if (known)
                    LogCardChanged(logger, model.ModelName, model.Version, profile.ReferenceKind ?? "none yet");
                else
                    LogWatching(logger, model.ModelName, model.Version, profile.ReferenceKind ?? "none yet");
            }
        }
        finally
        {
            _changing.Release();
        }

        _synced.TrySetResult();
        Interlocked.Exchange(ref _applied, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Waits until Monitor has the card of <paramref name="model"/> <paramref name="version"/>, at most
    /// <paramref name="timeout"/>; whether it has it.
    /// </summary>
    public async Task<bool> WaitUntilWatchedAsync(string model, string version, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            // Taken before the check: a list applied between the check and the wait completes it.
            var applied = Volatile.Read(ref _applied).Task;
            if (_watched.ContainsKey((model, version)))
                return true;
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
                return false;
            try
            {
                await applied.WaitAsync(left, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return _watched.ContainsKey((model, version));
            }
        }
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
        if (!_watched.ContainsKey((model, version)))
            return null;
        // Created while no card change is being applied, so the new windows have the version's latest profile.
        _changing.Wait();
        try
        {
            var watched = _watched[(model, version)];
            return _windows.GetOrAdd((model, version), _ => new VersionWindows(watched.Profile, options.Value, time.GetUtcNow())
            {
                CollectingReference = watched.Profile.Reference is null ? NewLiveReference(watched.Profile.Card) : null,
            });
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>The windows of a version if it has any.</summary>
    public VersionWindows? Existing(string model, string version) => _windows.GetValueOrDefault((model, version));

    /// <summary>
    /// Makes <paramref name="statistics"/> (built from <paramref name="windows"/>' first predictions) the version's reference:
    /// its windows are compared with it from now on, and it is sent to the registry for the version's card (a failed send is
    /// retried by <see cref="SendLiveReferencesAsync"/>). Ignored when the version got a reference from its card meanwhile.
    /// </summary>
    public async Task AdoptLiveReferenceAsync(VersionWindows windows, ReferenceStatistics statistics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(statistics);
        var card = windows.Profile.Card;
        var key = (card.Name, card.Version);
        await _changing.WaitAsync(cancellationToken);
        try
        {
            _live[key] = statistics;
            _unsaved[key] = (statistics, time.GetUtcNow());
            if (_watched.TryGetValue(key, out var watched) && watched.Profile.Reference is null)
            {
                var profile = ReferenceProfile.From(watched.Profile.Card, statistics);
                _watched[key] = watched with { Profile = profile };
                lock (windows)
                {
                    windows.Rebase(profile);
                    windows.CollectingReference = null;
                }
            }
        }
        finally
        {
            _changing.Release();
        }

        LogLiveReference(logger, card.Name, card.Version, statistics.Rows);
        await SendLiveReferencesAsync(cancellationToken);
    }

    /// <summary>Sends the registry the live references built since the last successful send (a failure is logged and retried on the next call).</summary>
    public async Task SendLiveReferencesAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, unsaved) in _unsaved)
        {
            try
            {
                var json = JsonSerializer.Serialize(unsaved.Statistics with { Source = ReferenceKind.Live }, ModelCardJson.Options);
                await bus.Publish(new LiveReferenceBuilt(key.Model, key.Version, json, unsaved.BuiltAt), cancellationToken);
                _unsaved.TryRemove(new KeyValuePair<(string, string), (ReferenceStatistics, DateTimeOffset)>(key, unsaved));
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                LogLiveReferenceNotSaved(logger, exception, key.Model, key.Version);
            }
        }
    }


    private LiveReference NewLiveReference(ModelCard card) => new(card, options.Value.LiveReferenceRows);

    // A served version: the card's JSON as served (to notice a change) and the profile built from it.
    private sealed record Watched(string CardJson, ReferenceProfile Profile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching {Model} version {Version} (reference: {Reference})")]
    private static partial void LogWatching(ILogger logger, string model, string version, string reference);

    [LoggerMessage(Level = LogLevel.Information, Message = "The card of {Model} version {Version} changed; its windows are compared with the new reference from now on (reference: {Reference})")]
    private static partial void LogCardChanged(ILogger logger, string model, string version, string reference);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} version {Version} has a live reference from its first {Rows} predictions")]
    private static partial void LogLiveReference(ILogger logger, string model, string version, long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live reference of {Model} version {Version} could not be sent to the registry; retried on the next round")]
    private static partial void LogLiveReferenceNotSaved(ILogger logger, Exception exception, string model, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The card of {Model} version {Version} cannot be read; its traffic is not monitored")]
    private static partial void LogUnreadableCard(ILogger logger, string model, string version);
}
