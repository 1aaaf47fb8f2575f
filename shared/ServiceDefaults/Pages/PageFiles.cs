using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace ServiceDefaults.Pages;

/// <summary>
/// A browser page's files (HTML, CSS, JavaScript, images), read once from an assembly's embedded resources whose
/// logical names start with a prefix (the service's .csproj gives each <c>&lt;prefix&gt;/&lt;file name&gt;</c>).
/// Embedded rather than in a wwwroot folder so that every host of the assembly serves them, whatever its content root:
/// the service's own process, its container image and the embedded host (deploy/Embedded).
/// </summary>
public sealed class PageFiles
{
    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".ico"] = "image/x-icon",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, PageFile> _files;

    private PageFiles(FrozenDictionary<string, PageFile> files) => _files = files;

    /// <summary>The file names served, e.g. <c>index.html</c>, <c>charts.js</c>.</summary>
    public IEnumerable<string> Names => _files.Keys;

    /// <summary>Reads the files whose resource names start with <paramref name="resourcePrefix"/> (e.g. <c>dashboard/</c>) from <paramref name="assembly"/>.</summary>
    public static PageFiles Load(Assembly assembly, string resourcePrefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(resourcePrefix);
        var files = new Dictionary<string, PageFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(resourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[resourcePrefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
                throw new InvalidOperationException($"The page file {resource} has a type pages are not served with; add its content type to {nameof(PageFiles)}.");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            // A strong validator from the content: a new build with the same file keeps the browser's copy.
            var tag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\"";
            files[name] = new PageFile(name, contentType, content, tag);
        }

        if (!files.ContainsKey("index.html"))
            throw new InvalidOperationException($"{assembly.GetName().Name} has no embedded {resourcePrefix}index.html; its .csproj must embed the page's files under that prefix.");
        return new PageFiles(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The file named <paramref name="name"/> (case-sensitive, as URLs are), or null.</summary>
    public PageFile? Find(string name) => _files.GetValueOrDefault(name);
}

/// <summary>One file of a page: its bytes, content type and entity tag.</summary>
public sealed record PageFile(string Name, string ContentType, ReadOnlyMemory<byte> Content, string EntityTag);
