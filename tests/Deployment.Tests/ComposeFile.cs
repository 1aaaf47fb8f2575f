using System.Text.Json.Nodes;

namespace Deployment.Tests;

/// <summary>
/// docker-compose.yml as <c>docker-compose config</c> resolves it (anchors merged, variables substituted,
/// short forms kept or expanded depending on the docker-compose version: the accessors accept both), with the
/// settings <c>scripts/broker-users.sh --compose</c> writes (the broker passwords), made in a folder of its own.
/// </summary>
public sealed class ComposeFile : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"compose-test-{Guid.NewGuid():N}");

    public ComposeFile()
    {
        EnvironmentFile = Path.Combine(_folder, "compose.env");
        Tool.OutputWith(new Dictionary<string, string> { ["BROKER_DIR"] = _folder, ["COMPOSE_ENV_FILE"] = EnvironmentFile },
            "bash", "scripts/broker-users.sh", "--compose");
        Settings = File.ReadAllLines(EnvironmentFile).Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        Root = Config();
        Services = Yaml.Entries(Root["services"]).ToDictionary(entry => entry.Key, entry => entry.Value!);
    }

    /// <summary>The .env the script wrote for this file.</summary>
    public string EnvironmentFile { get; }

    /// <summary>Its settings: <c>BROKER_&lt;ROLE&gt;_USER</c> and <c>_PASSWORD</c>.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>docker-compose.yml with <paramref name="overrides"/> (more compose files) resolved with the script's settings.</summary>
    public JsonNode Config(params string[] overrides) => Yaml.Document(Tool.Output("docker-compose",
        ["--env-file", EnvironmentFile, "-f", "docker-compose.yml", .. overrides.SelectMany(file => new[] { "-f", file }), "config"]));

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

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
