using System.Collections.Concurrent;
using System.Collections.Frozen;
using Contracts.Models;
using MassTransit;
using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Scoring;
using ServiceDefaults.ServedModels;

namespace Inference.Runtime;

/// <summary>
/// The model versions this replica serves, each loaded once into ONNX Runtime and kept warm: every model's champion
/// and, while a rollout runs, its challenger, with the route between them (<see cref="ServedModelState"/>). Follows the
/// registry (<see cref="IServedModelsSink"/>): a new version's ONNX file is fetched from the Retrainer, checked and
/// loaded before it takes traffic, so requests never wait for a load. A version that stops serving stays loaded for
/// <see cref="RetiredVersionGrace"/>: requests built for it while FeatureBuilder and the other replicas catch up with
/// a switch, and batches pinned to it, are still scored.
/// </summary>
public sealed partial class ModelSessions(IBus bus, TimeProvider time, ILogger<ModelSessions> logger) : IServedModelsSink, IDisposable
{
    /// <summary>How long a version that no longer serves stays loaded.</summary>
    public static readonly TimeSpan RetiredVersionGrace = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan ArtifactTimeout = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _applying = new(1, 1);
    private volatile FrozenDictionary<string, ServedModelState> _models = FrozenDictionary<string, ServedModelState>.Empty;
    private readonly ConcurrentDictionary<(string Name, string Version), (LoadedModel Model, DateTimeOffset RetiredAt)> _retired = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _hasSynced;

    /// <summary>The served models by name: champion, challenger and route.</summary>
    public IReadOnlyDictionary<string, ServedModelState> Models => _models;

    /// <summary>Whether the replica has loaded what the registry serves at least once (and serves something).</summary>
    public bool IsReady => _hasSynced && _models.Count > 0;

    /// <summary>Whether the replica has applied the registry's served models at least once (which may be none).</summary>
    public bool HasSynced => _hasSynced;

    /// <summary>
    /// Waits until the replica has applied the registry's served models once (a replica that just started
    /// is still fetching and loading them), at most <paramref name="timeout"/>.
    /// </summary>
    /// <returns>Whether it has.</returns>
    public async Task<bool> WaitUntilSyncedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_hasSynced)
            return true;
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

    /// <summary>How <paramref name="modelName"/> is served, if it is.</summary>
    public ServedModelState? Route(string modelName) => _models.GetValueOrDefault(modelName);

    /// <summary>The champion of <paramref name="modelName"/>, if it is served.</summary>
    public LoadedModel? Find(string modelName) => _models.GetValueOrDefault(modelName)?.Champion;

    /// <summary>
    /// Version <paramref name="version"/> of <paramref name="modelName"/> if this replica holds it: the champion, the
    /// challenger, or a version retired less than <see cref="RetiredVersionGrace"/> ago.
    /// </summary>
    public LoadedModel? Find(string modelName, string version)
    {
        if (_models.GetValueOrDefault(modelName)?.Version(version) is { } serving)
            return serving;
        return _retired.TryGetValue((modelName, version), out var retired) ? retired.Model : null;
    }

    /// <inheritdoc />
    public async Task ApplyAsync(ServedModelsResponse served, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(served);
        await _applying.WaitAsync(cancellationToken);
        try
        {
            var current = _models;
            var byVersion = served.Models.ToDictionary(model => (model.ModelName, model.Version));
            var next = new Dictionary<string, ServedModelState>(StringComparer.Ordinal);
            foreach (var route in served.Routes)
            {
                if (!byVersion.TryGetValue((route.ModelName, route.ChampionVersion), out var championServed))
                    continue;
                var champion = await HoldAsync(championServed, current, cancellationToken);
                if (champion is null)
                {
                    // Keep serving the old state rather than nothing.
                    if (current.TryGetValue(route.ModelName, out var old))
                        next[route.ModelName] = old;
                    continue;
                }

                LoadedModel? challenger = null;
                if (route.ChallengerVersion is { } challengerVersion && byVersion.TryGetValue((route.ModelName, challengerVersion), out var challengerServed))
                    challenger = await HoldAsync(challengerServed, current, cancellationToken);
                next[route.ModelName] = new ServedModelState(champion, challenger, route);
            }

            // Operators see when each replica switched (tests wait for it): a route is logged when it changes.
            foreach (var (name, state) in next)
            {
                var routing = Routing(state);
                if (!current.TryGetValue(name, out var before) || routing != Routing(before))
                    LogRouting(name, routing);
            }

            var inUse = next.Values.SelectMany(state => state.Challenger is { } challenger ? new[] { state.Champion, challenger } : [state.Champion]).ToHashSet();
            foreach (var old in current.Values.SelectMany(state => state.Challenger is { } challenger ? new[] { state.Champion, challenger } : [state.Champion]))
            {
                if (!inUse.Contains(old))
                    Retire(old);
            }

            foreach (var model in inUse)
                _retired.TryRemove((model.Name, model.Version), out _);
            _models = next.ToFrozenDictionary(StringComparer.Ordinal);
            _hasSynced = true;
            _synced.TrySetResult();
            DisposeExpired(inUse);
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var state in _models.Values)
        {
            state.Champion.Scorer.Dispose();
            state.Challenger?.Scorer.Dispose();
        }

        foreach (var retired in _retired.Values)
            retired.Model.Scorer.Dispose();
        _applying.Dispose();
    }

    // The version already held (serving or retired) when its artifact is the same, else freshly loaded.
    private async Task<LoadedModel?> HoldAsync(ServedModel served, FrozenDictionary<string, ServedModelState> current, CancellationToken cancellationToken)
    {
        var held = current.GetValueOrDefault(served.ModelName)?.Version(served.Version)
            ?? (_retired.TryGetValue((served.ModelName, served.Version), out var retired) ? retired.Model : null);
        if (held is not null && held.Sha256 == served.ArtifactSha256)
            return held;
        return await LoadAsync(served, cancellationToken);
    }

    // What the replica does with the model's traffic: the route, or the champion alone when the challenger is not loaded.
    private static string Routing(ServedModelState state) =>
        TrafficRouter.Describe(state.Challenger is null ? state.Route with { RolloutId = null } : state.Route);

    private void Retire(LoadedModel model) => _retired[(model.Name, model.Version)] = (model, time.GetUtcNow());

    private void DisposeExpired(HashSet<LoadedModel> inUse)
    {
        var now = time.GetUtcNow();
        foreach (var (key, retired) in _retired)
        {
            if (now - retired.RetiredAt >= RetiredVersionGrace && _retired.TryRemove(key, out _) && !inUse.Contains(retired.Model))
                retired.Model.Scorer.Dispose();
        }
    }

    private async Task<LoadedModel?> LoadAsync(ServedModel served, CancellationToken cancellationToken)
    {
        var card = ModelCardReader.Read(served.CardJson);
        if (card.Card is null)
        {
            LogRefused(served.ModelName, served.Version, string.Join("; ", card.Errors));
            return null;
        }

        var client = bus.CreateRequestClient<ModelArtifactRequest>(RequestTimeout.After(ms: (int)ArtifactTimeout.TotalMilliseconds));
        var response = await client.GetResponse<ModelArtifactResponse, ModelArtifactNotFound>(
            new ModelArtifactRequest(served.ModelName, served.Version), cancellationToken);
        if (!response.Is(out Response<ModelArtifactResponse>? artifact))
        {
            LogRefused(served.ModelName, served.Version, "the registry has no artifact for it");
            return null;
        }

        var onnx = artifact.Message.Onnx;
        var sha256 = ModelBundle.Sha256Of(onnx);
        if (sha256 != served.ArtifactSha256)
        {
            LogRefused(served.ModelName, served.Version, $"the artifact's SHA-256 is {sha256}, the registry announced {served.ArtifactSha256}");
            return null;
        }

        try
        {
            var started = time.GetTimestamp();
            var scorer = OnnxScorer.Load(card.Card, onnx);
            WarmUp(scorer);
            var milliseconds = time.GetElapsedTime(started).TotalMilliseconds;
            LogLoaded(served.ModelName, served.Version, onnx.Length / 1024, milliseconds);
            return new LoadedModel(scorer, sha256, time.GetUtcNow());
        }
        catch (InvalidOperationException exception)
        {
            LogRefused(served.ModelName, served.Version, exception.Message);
            return null;
        }
    }

    // The first Run of a session allocates its buffers; do it now, not on a client's request.
    private static void WarmUp(OnnxScorer scorer)
    {
        var scores = new ModelScore[1];
        scorer.Score(new float[scorer.Width], scores);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {Name} version {Version} ({Kilobytes} KiB) in {Milliseconds:0} ms")]
    private partial void LogLoaded(string name, string version, int kilobytes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing {Name}: {Route}")]
    private partial void LogRouting(string name, string route);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Name} version {Version} cannot be served: {Reason}")]
    private partial void LogRefused(string name, string version, string reason);
}
