using System.Text.Json.Nodes;

namespace Gateway.OpenApi;

/// <summary>
/// Merges the public part of several OpenAPI documents (as JSON) into one: only the paths under
/// <see cref="PublicPaths"/>, the components those paths reach (directly, through other components, or as the security
/// schemes their operations require) and the tags their operations use.
/// </summary>
/// <remarks>
/// A component that two documents define under the same name with the same content is kept once. With
/// different content, the later document's one is renamed to <c>{name}_{source}</c> and every <c>$ref</c> in
/// that document's paths and components is rewritten to the new name; the rename is reported in
/// <see cref="Conflicts"/>. An operation (path and method) that an earlier document already defines is left out
/// and reported as well: the first document added wins.
/// </remarks>
public sealed class OpenApiDocumentMerge
{
    private const string ComponentRefPrefix = "#/components/";

    private static readonly HashSet<string> OperationMethods =
        ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private readonly SortedDictionary<string, JsonObject> _paths = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SortedDictionary<string, JsonNode>> _components = new(StringComparer.Ordinal);
    private readonly List<JsonNode> _tags = [];
    private readonly HashSet<string> _tagNames = new(StringComparer.Ordinal);
    private readonly List<string> _conflicts = [];
    private string? _openApiVersion;

    /// <summary>Renamed components and left-out operations, one sentence each, for the logs.</summary>
    public IReadOnlyList<string> Conflicts => _conflicts;

    /// <summary>Adds the public part of <paramref name="document"/>, which came from <paramref name="source"/> (a service or cluster name).</summary>
    public void Add(string source, JsonObject document)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(document);

        _openApiVersion ??= StringOf(document["openapi"]);
        var publicPaths = (document["paths"] as JsonObject ?? [])
            .Where(path => PublicPaths.Contains(path.Key) && path.Value is JsonObject)
            .ToDictionary(path => path.Key, path => (JsonObject)path.Value!, StringComparer.Ordinal);
        if (publicPaths.Count == 0)
            return;

        var components = document["components"] as JsonObject ?? [];
        var reached = ReachedComponents(publicPaths.Values, components);
        var renames = RenamesFor(source, reached, components);

        foreach (var (kind, name) in reached)
        {
            var target = renames.GetValueOrDefault((kind, name), name);
            var kindMap = ComponentsOf(kind);
            if (!kindMap.ContainsKey(target))
                kindMap[target] = WithRefsRenamed(components[kind]![name]!, renames);
        }

        foreach (var (path, item) in publicPaths)
            AddPath(source, path, (JsonObject)WithRefsRenamed(item, renames));

        AddTags(document["tags"] as JsonArray, publicPaths.Values);
    }

    /// <summary>The merged document with <paramref name="title"/>, served relative to the host that serves it.</summary>
    public JsonObject ToDocument(string title, string version)
    {
        var paths = new JsonObject();
        foreach (var (path, item) in _paths)
            paths[path] = item.DeepClone();

        var components = new JsonObject();
        foreach (var (kind, entries) in _components)
        {
            var kindObject = new JsonObject();
            foreach (var (name, component) in entries)
                kindObject[name] = component.DeepClone();
            components[kind] = kindObject;
        }

        var document = new JsonObject
        {
            ["openapi"] = _openApiVersion ?? "3.1.1",
            ["info"] = new JsonObject { ["title"] = title, ["version"] = version },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["paths"] = paths,
        };
        if (components.Count > 0)
            document["components"] = components;
        if (_tags.Count > 0)
            document["tags"] = new JsonArray([.. _tags.Select(tag => tag.DeepClone())]);
        return document;
    }

    private void AddPath(string source, string path, JsonObject item)
    {
        if (!_paths.TryGetValue(path, out var existing))
        {
            _paths[path] = item;
            return;
        }

        foreach (var (member, value) in item.ToList())
        {
            if (!existing.ContainsKey(member))
                existing[member] = value?.DeepClone();
            else if (OperationMethods.Contains(member) && !JsonNode.DeepEquals(existing[member], value))
                _conflicts.Add($"{member.ToUpperInvariant()} {path} from {source} is left out: an earlier document already describes it.");
        }
    }

    private void AddTags(JsonArray? tags, IEnumerable<JsonObject> pathItems)
    {
        var used = pathItems
            .SelectMany(item => item.Where(member => OperationMethods.Contains(member.Key)))
            .SelectMany(operation => operation.Value?["tags"] as JsonArray ?? [])
            .Select(StringOf)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

        foreach (var tag in tags ?? [])
        {
            if (tag is JsonObject && StringOf(tag["name"]) is { } name && used.Contains(name) && _tagNames.Add(name))
                _tags.Add(tag.DeepClone());
        }
    }

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private SortedDictionary<string, JsonNode> ComponentsOf(string kind)
    {
        if (!_components.TryGetValue(kind, out var entries))
            _components[kind] = entries = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        return entries;
    }

    // Decides the renames together: a component whose own content is equal but that refers to a renamed one
    // differs once its references are rewritten, so the decision repeats until nothing more changes.
    private Dictionary<(string Kind, string Name), string> RenamesFor(
        string source, IReadOnlyCollection<(string Kind, string Name)> reached, JsonObject components)
    {
        var renames = new Dictionary<(string Kind, string Name), string>();
        bool changed;
        do
        {
            changed = false;
            foreach (var (kind, name) in reached)
            {
                if (renames.ContainsKey((kind, name))
                    || !_components.TryGetValue(kind, out var existing)
                    || !existing.TryGetValue(name, out var kept)
                    || JsonNode.DeepEquals(kept, WithRefsRenamed(components[kind]![name]!, renames)))
                {
                    continue;
                }

                var renamed = FreeName(existing, $"{name}_{SafeName(source)}");
                renames[(kind, name)] = renamed;
                _conflicts.Add($"components/{kind}/{name} from {source} differs from the one already merged; it is published as {renamed}.");
                changed = true;
            }
        }
        while (changed);

        return renames;
    }

    private static string FreeName(SortedDictionary<string, JsonNode> existing, string candidate)
    {
        var name = candidate;
        for (var suffix = 2; existing.ContainsKey(name); suffix++)
            name = $"{candidate}{suffix}";
        return name;
    }

    // Component names may hold letters, digits, '.', '-' and '_' only.
    private static string SafeName(string source) =>
        new([.. source.Select(character => char.IsAsciiLetterOrDigit(character) || character is '.' or '-' or '_' ? character : '_')]);

    private static List<(string Kind, string Name)> ReachedComponents(IEnumerable<JsonNode> roots, JsonObject components)
    {
        var reached = new List<(string Kind, string Name)>();
        var seen = new HashSet<(string Kind, string Name)>();
        var pending = new Stack<JsonNode>(roots);

        // An operation's security requirements name their schemes without a $ref.
        foreach (var scheme in SecuritySchemesNamedBy(pending))
        {
            if (components["securitySchemes"]?[scheme] is not null && seen.Add(("securitySchemes", scheme)))
                reached.Add(("securitySchemes", scheme));
        }

        while (pending.TryPop(out var node))
        {
            foreach (var reference in RefsIn(node))
            {
                if (ParseRef(reference) is { } target
                    && components[target.Kind]?[target.Name] is { } component
                    && seen.Add(target))
                {
                    reached.Add(target);
                    pending.Push(component);
                }
            }
        }

        return reached;
    }

    private static List<string> SecuritySchemesNamedBy(IEnumerable<JsonNode> pathItems) =>
        pathItems.OfType<JsonObject>()
            .SelectMany(item => item.Where(member => OperationMethods.Contains(member.Key)))
            .SelectMany(operation => operation.Value?["security"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .SelectMany(requirement => requirement.Select(scheme => scheme.Key))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<string> RefsIn(JsonNode node)
    {
        var pending = new Stack<JsonNode>([node]);
        while (pending.TryPop(out var current))
        {
            switch (current)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        if (key == "$ref" && StringOf(value) is { } text)
                            yield return text;
                        else if (value is not null)
                            pending.Push(value);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        if (item is not null)
                            pending.Push(item);
                    }

                    break;
            }
        }
    }

    private static (string Kind, string Name)? ParseRef(string reference)
    {
        if (!reference.StartsWith(ComponentRefPrefix, StringComparison.Ordinal))
            return null;
        var parts = reference[ComponentRefPrefix.Length..].Split('/');
        return parts.Length == 2 ? (parts[0], UnescapePointer(parts[1])) : null;
    }

    private static string UnescapePointer(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private static string EscapePointer(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static JsonNode WithRefsRenamed(JsonNode node, Dictionary<(string Kind, string Name), string> renames)
    {
        var copy = node.DeepClone();
        if (renames.Count == 0)
            return copy;

        var pending = new Stack<JsonNode>([copy]);
        while (pending.TryPop(out var current))
        {
            if (current is JsonObject obj)
            {
                if (StringOf(obj["$ref"]) is { } text
                    && ParseRef(text) is { } target && renames.TryGetValue(target, out var renamed))
                {
                    obj["$ref"] = $"{ComponentRefPrefix}{target.Kind}/{EscapePointer(renamed)}";
                }

                foreach (var (_, value) in obj)
                {
                    if (value is JsonObject or JsonArray)
                        pending.Push(value);
                }
            }
            else if (current is JsonArray array)
            {
                foreach (var item in array)
                {
                    if (item is JsonObject or JsonArray)
                        pending.Push(item);
                }
            }
        }

        return copy;
    }
}
