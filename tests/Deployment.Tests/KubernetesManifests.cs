using System.Text.Json.Nodes;

namespace Deployment.Tests;

/// <summary>deploy/k8s rendered offline by <c>kubectl kustomize</c> (no cluster needed), one object per document.</summary>
public sealed class KubernetesManifests
{
    public KubernetesManifests()
    {
        Objects = Yaml.Documents(Tool.Output("kubectl", "kustomize", "deploy/k8s"));
    }

    public IReadOnlyList<JsonNode> Objects { get; }

    public IEnumerable<JsonNode> OfKind(string kind) => Objects.Where(item => Yaml.Text(item["kind"]) == kind);

    public JsonNode? Find(string kind, string name) => OfKind(kind).SingleOrDefault(item => NameOf(item) == name);

    public static string NameOf(JsonNode item) => Yaml.Text(item["metadata"]?["name"]) ?? "";

    public IEnumerable<JsonNode> Deployments => OfKind("Deployment");

    /// <summary>The containers of a Deployment's pods, init containers included.</summary>
    public static IEnumerable<JsonNode> AllContainers(JsonNode deployment) =>
        Yaml.Items(PodSpec(deployment)["initContainers"]).Concat(Containers(deployment));

    /// <summary>The main containers of a Deployment's pods.</summary>
    public static IEnumerable<JsonNode> Containers(JsonNode deployment) => Yaml.Items(PodSpec(deployment)["containers"]);

    public static JsonNode PodSpec(JsonNode deployment) => deployment["spec"]!["template"]!["spec"]!;

    /// <summary>
    /// A ConfigMap's or Secret's keys (Secrets: data and stringData). The Secret <c>&lt;user&gt;-user-credentials</c> of a
    /// RabbitMQ <c>User</c> in the base counts too, with the keys the messaging topology operator writes into it.
    /// </summary>
    public IReadOnlySet<string> KeysOf(string kind, string name) => Find(kind, name) is { } item
        ? Yaml.Entries(item["data"]).Concat(Yaml.Entries(item["stringData"])).Select(entry => entry.Key).ToHashSet()
        : kind == "Secret" && name.EndsWith(UserCredentialsSuffix, StringComparison.Ordinal) && Find("User", name[..^UserCredentialsSuffix.Length]) is not null
            ? new HashSet<string> { "username", "password" }
            : new HashSet<string>();

    /// <summary>What the messaging topology operator appends to a <c>User</c>'s name to name the Secret of its credentials.</summary>
    public const string UserCredentialsSuffix = "-user-credentials";
}
