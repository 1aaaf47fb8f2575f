using Contracts.Models;
using Modeling.Bundles;
using Modeling.Cards;

namespace Retrainer.Registry;

/// <summary>
/// The registry's read side over the model store (<see cref="IModelStore"/>): which version serves each model,
/// and a version's bundle. Until rollouts exist, the served version of a model is its latest usable one
/// (versions compare as numbers when both are numbers).
/// </summary>
public sealed class ModelRegistry(IModelStore store)
{
    /// <summary>The served version of every model (of <paramref name="modelName"/> only, when given), with its card.</summary>
    public async Task<IReadOnlyList<ServedModel>> ServedAsync(string? modelName, CancellationToken cancellationToken)
    {
        var names = modelName is null ? await store.ModelNamesAsync(cancellationToken) : [modelName];
        var served = new List<ServedModel>();
        foreach (var name in names)
        {
            foreach (var version in (await store.VersionsAsync(name, cancellationToken)).OrderDescending(VersionComparer.Instance))
            {
                if (await store.FindAsync(name, version, cancellationToken) is not { } bundle)
                    continue;
                served.Add(new ServedModel(name, version, ModelCardJson.Serialize(bundle.Card), ModelBundle.Sha256Of(bundle.Onnx)));
                break;
            }
        }

        return served;
    }

    /// <summary>The bundle of one version, or null when there is no usable one.</summary>
    public Task<ModelBundle?> FindAsync(string modelName, string version, CancellationToken cancellationToken) =>
        store.FindAsync(modelName, version, cancellationToken);

    /// <summary>Orders versions as numbers when both are numbers, else as text.</summary>
    private sealed class VersionComparer : IComparer<string>
    {
        public static readonly VersionComparer Instance = new();

        public int Compare(string? x, string? y) =>
            long.TryParse(x, out var left) && long.TryParse(y, out var right)
                ? left.CompareTo(right)
                : string.CompareOrdinal(x, y);
    }
}
