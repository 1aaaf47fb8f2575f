using Contracts.Models;
using Microsoft.Extensions.Options;
using Modeling.Bundles;

namespace Retrainer.Registry;

/// <summary>
/// The registry's read side over the bundle folder (<c>{ModelsFolder}/{name}/{version}/</c>): which versions
/// exist, which one serves each model, and a version's bundle. Until rollouts exist, the served version of
/// a model is its latest usable one (versions compare as numbers when both are numbers).
/// </summary>
public sealed partial class ModelRegistry(IOptions<RegistryOptions> options, ILogger<ModelRegistry> logger)
{
    /// <summary>The served version of every model (of <paramref name="modelName"/> only, when given), with its card.</summary>
    public async Task<IReadOnlyList<ServedModel>> ServedAsync(string? modelName, CancellationToken cancellationToken)
    {
        var root = options.Value.ModelsFolder;
        if (!Directory.Exists(root))
            return [];

        var served = new List<ServedModel>();
        foreach (var modelFolder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(modelFolder);
            if (modelName is not null && name != modelName)
                continue;
            foreach (var version in Directory.EnumerateDirectories(modelFolder).Select(Path.GetFileName).OfType<string>().OrderDescending(VersionComparer.Instance))
            {
                var read = await ModelBundle.ReadAsync(ModelBundle.FolderOf(root, name, version), cancellationToken);
                if (read.Bundle is not { } bundle)
                {
                    LogUnusable(name, version, string.Join("; ", read.Errors));
                    continue;
                }

                var cardJson = await File.ReadAllTextAsync(Path.Combine(ModelBundle.FolderOf(root, name, version), ModelBundle.CardFileName), cancellationToken);
                served.Add(new ServedModel(name, version, cardJson, ModelBundle.Sha256Of(bundle.Onnx)));
                break;
            }
        }

        return served;
    }

    /// <summary>The bundle of one version, or null when there is no usable one.</summary>
    public async Task<ModelBundle?> FindAsync(string modelName, string version, CancellationToken cancellationToken)
    {
        var root = options.Value.ModelsFolder;
        // Names and versions come from messages: never let one climb out of the models folder.
        if (!IsPlainName(modelName) || !IsPlainName(version))
            return null;
        var read = await ModelBundle.ReadAsync(ModelBundle.FolderOf(root, modelName, version), cancellationToken);
        return read.Bundle;
    }

    private static bool IsPlainName(string value) =>
        value.Length > 0 && value.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && value is not "." and not "..";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Name} version {Version} is not usable and is skipped: {Errors}")]
    private partial void LogUnusable(string name, string version, string errors);

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
