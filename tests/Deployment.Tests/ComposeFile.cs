using System.Text.Json.Nodes;

namespace Deployment.Tests;

/// <summary>
/// docker-compose.yml as <c>docker-compose config</c> resolves it (anchors merged, variables substituted,
/// short forms kept or expanded depending on the docker-compose version: the accessors accept both).
/// </summary>
public sealed class ComposeFile
{
    public ComposeFile()
    {
        Root = Yaml.Document(Tool.Output("docker-compose", "-f", "docker-compose.yml", "config"));
        Services = Yaml.Entries(Root["services"]).ToDictionary(entry => entry.Key, entry => entry.Value!);
    }

    public JsonNode Root { get; }

    public IReadOnlyDictionary<string, JsonNode> Services { get; }

    /// <summary>The services built from services/&lt;Service&gt;/Dockerfile: the platform's own, with the Dockerfile's path.</summary>
    public IReadOnlyDictionary<string, string> PlatformServices => Services
        .Where(service => Yaml.Text(service.Value["build"]?["dockerfile"]) is { } file && file.StartsWith("services/", StringComparison.Ordinal))
        .ToDictionary(service => service.Key, service => Yaml.Text(service.Value["build"]!["dockerfile"])!);

    /// <summary>The host ports a service publishes.</summary>
    public static IEnumerable<string> PublishedPorts(JsonNode service) => Yaml.Items(service["ports"]).Select(port =>
        port is JsonValue ? Yaml.Text(port)!.Split(':') is { Length: > 1 } parts ? parts[^2] : "(random)"
        : Yaml.Text(port["published"]) ?? "(random)");

    /// <summary>The container ports a service publishes.</summary>
    public static IEnumerable<string> TargetPorts(JsonNode service) => Yaml.Items(service["ports"]).Select(port =>
        port is JsonValue ? Yaml.Text(port)!.Split(':')[^1].Split('/')[0] : Yaml.Text(port["target"])!);

    /// <summary>The environment variables of a service (map or list form).</summary>
    public static IReadOnlyDictionary<string, string> Environment(JsonNode service) => service["environment"] switch
    {
        JsonArray list => list.Select(item => Yaml.Text(item)!.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : ""),
        var map => Yaml.Entries(map).ToDictionary(entry => entry.Key, entry => Yaml.Text(entry.Value) ?? ""),
    };

    /// <summary>The services a service waits for, with the condition.</summary>
    public static IReadOnlyDictionary<string, string> DependsOn(JsonNode service) => service["depends_on"] switch
    {
        JsonArray list => list.ToDictionary(item => Yaml.Text(item)!, _ => "service_started"),
        var map => Yaml.Entries(map).ToDictionary(entry => entry.Key, entry => Yaml.Text(entry.Value?["condition"]) ?? "service_started"),
    };

    /// <summary>The named volumes a service mounts, as (volume, path in the container).</summary>
    public static IEnumerable<(string Volume, string Target)> NamedVolumes(JsonNode service) => Yaml.Items(service["volumes"])
        .Select(volume => volume is JsonValue
            ? Yaml.Text(volume)!.Split(':') is var parts && parts.Length > 1 && !parts[0].StartsWith('/') && !parts[0].StartsWith('.') ? (parts[0], parts[1]) : (null!, null!)
            : Yaml.Text(volume["type"]) == "volume" ? (Yaml.Text(volume["source"])!, Yaml.Text(volume["target"])!) : (null!, null!))
        .Where(pair => pair.Item1 is not null);
}
