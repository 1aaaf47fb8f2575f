using System.Collections.Frozen;
using Contracts.Models;
using MassTransit;
using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Scoring;
using ServiceDefaults.ServedModels;

namespace Inference.Runtime;

/// <summary>
/// The model versions this replica serves, each loaded once into ONNX Runtime and kept warm. Follows the
/// registry (<see cref="IServedModelsSink"/>): a new version's ONNX file is fetched from the Retrainer,
/// checked and loaded before it replaces the old one, so requests never wait for a load; a replaced
/// session is disposed only after requests that already hold it have had time to finish.
/// </summary>
public sealed partial class ModelSessions(IBus bus, TimeProvider time, ILogger<ModelSessions> logger) : IServedModelsSink, IDisposable
{
    private static readonly TimeSpan RetiredSessionGrace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ArtifactTimeout = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _applying = new(1, 1);
    private volatile FrozenDictionary<string, LoadedModel> _models = FrozenDictionary<string, LoadedModel>.Empty;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _hasSynced;

    /// <summary>The served models by name.</summary>
    public IReadOnlyDictionary<string, LoadedModel> Models => _models;

    /// <summary>Whether the replica has loaded what the registry serves at least once (and serves something).</summary>
    public bool IsReady => _hasSynced && _models.Count > 0;

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

    /// <summary>The served version of <paramref name="modelName"/>, if any.</summary>
    public LoadedModel? Find(string modelName) => _models.GetValueOrDefault(modelName);

    /// <inheritdoc />
    public async Task ApplyAsync(ServedModelsResponse served, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(served);
        var champions = served.Champions();
        await _applying.WaitAsync(cancellationToken);
        try
        {
            var current = _models;
            var next = new Dictionary<string, LoadedModel>(StringComparer.Ordinal);
            foreach (var model in champions)
            {
                if (current.TryGetValue(model.ModelName, out var loaded) && loaded.Version == model.Version && loaded.Sha256 == model.ArtifactSha256)
                    next[model.ModelName] = loaded;
                else if (await LoadAsync(model, cancellationToken) is { } fresh)
                    next[model.ModelName] = fresh;
                else if (loaded is not null)
                    next[model.ModelName] = loaded; // Keep serving the old version rather than nothing.
            }

            _models = next.ToFrozenDictionary(StringComparer.Ordinal);
            _hasSynced = true;
            _synced.TrySetResult();
            foreach (var retired in current.Values.Where(old => !next.ContainsValue(old)))
                RetireLater(retired);
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var model in _models.Values)
            model.Scorer.Dispose();
        _applying.Dispose();
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

    private void RetireLater(LoadedModel retired)
    {
        _ = Task.Delay(RetiredSessionGrace, time).ContinueWith(_ => retired.Scorer.Dispose(), TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {Name} version {Version} ({Kilobytes} KiB) in {Milliseconds:0} ms")]
    private partial void LogLoaded(string name, string version, int kilobytes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Name} version {Version} cannot be served: {Reason}")]
    private partial void LogRefused(string name, string version, string reason);
}
