using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Deployment.Tests;

/// <summary>
/// YAML documents as <see cref="JsonNode"/> trees, which are easy to walk in assertions. Scalars stay
/// strings (<c>8080</c> is <c>"8080"</c>), so comparisons never depend on how a tool quoted a value.
/// </summary>
internal static class Yaml
{
    /// <summary>Every document of a YAML stream (e.g. the <c>---</c>-separated output of kubectl kustomize).</summary>
    public static IReadOnlyList<JsonNode> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(document => ToJson(document.RootNode)).OfType<JsonNode>().ToList();
    }

    /// <summary>The one document of a YAML file.</summary>
    public static JsonNode Document(string text) => Assert.Single(Documents(text));

    /// <summary>A mapping's entries, or none when the node is missing or not a mapping.</summary>
    public static IEnumerable<KeyValuePair<string, JsonNode?>> Entries(JsonNode? node) =>
        node as JsonObject ?? [];

    /// <summary>A sequence's items, or none when the node is missing or not a sequence.</summary>
    public static IEnumerable<JsonNode> Items(JsonNode? node) =>
        (node as JsonArray)?.OfType<JsonNode>() ?? [];

    /// <summary>A scalar's text, or null.</summary>
    public static string? Text(JsonNode? node) => node is JsonValue value ? value.ToString() : null;

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(entry =>
            KeyValuePair.Create(((YamlScalarNode)entry.Key).Value ?? "", ToJson(entry.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        // An empty plain scalar (`key:`) is null; a quoted empty one ("") is an empty string.
        YamlScalarNode scalar when scalar.Value is { Length: > 0 } || scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted =>
            JsonValue.Create(scalar.Value ?? ""),
        _ => null,
    };
}
