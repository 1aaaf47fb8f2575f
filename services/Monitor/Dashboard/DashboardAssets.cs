using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Monitor.Dashboard;

/// <summary>
/// The dashboard's files (Dashboard/Assets/*: HTML, CSS, JavaScript modules), read once from the Monitor
/// assembly's embedded resources. Embedded rather than in a wwwroot folder so that every host of the
/// Monitor assembly serves them, whatever its content root: the Monitor process, its container image and
/// the embedded host (deploy/Embedded).
/// </summary>
public sealed class DashboardAssets
{
    /// <summary>The prefix of the resources' logical names (Monitor.csproj gives each <c>dashboard/&lt;file name&gt;</c>).</summary>
    public const string ResourcePrefix = "dashboard/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".ico"] = "image/x-icon",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, DashboardAsset> _files;

    private DashboardAssets(FrozenDictionary<string, DashboardAsset> files) => _files = files;

    /// <summary>The file names served, e.g. <c>index.html</c>, <c>charts.js</c>.</summary>
    public IEnumerable<string> Names => _files.Keys;

    /// <summary>Reads the dashboard's files from <paramref name="assembly"/>'s resources.</summary>
    public static DashboardAssets Load(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var files = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
                throw new InvalidOperationException($"The dashboard file {name} has a type the dashboard does not serve; add its content type to {nameof(DashboardAssets)}.");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            // A strong validator from the content: a new build with the same file keeps the browser's copy.
            var tag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\"";
            files[name] = new DashboardAsset(name, contentType, content, tag);
        }

        if (!files.ContainsKey("index.html"))
            throw new InvalidOperationException($"The Monitor assembly has no embedded {ResourcePrefix}index.html; Monitor.csproj must embed Dashboard/Assets.");
        return new DashboardAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The file named <paramref name="name"/> (case-sensitive, as URLs are), or null.</summary>
    public DashboardAsset? Find(string name) => _files.GetValueOrDefault(name);
}

/// <summary>One dashboard file: its bytes, content type and entity tag.</summary>
public sealed record DashboardAsset(string Name, string ContentType, ReadOnlyMemory<byte> Content, string EntityTag);
