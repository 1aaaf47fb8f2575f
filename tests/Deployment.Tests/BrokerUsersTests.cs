using System.Text.Json.Nodes;

namespace Deployment.Tests;

/// <summary>
/// The broker users (docs/security.md#broker-users): each service logs in as its own user in Kubernetes, the
/// manifests give the users the permissions scripts/broker-users.sh gives them (compose and the local distributed
/// mode load the script's definitions), and no broker password is written in the manifests.
/// </summary>
public sealed class BrokerUsersTests(KubernetesManifests k8s) : IClassFixture<KubernetesManifests>, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"broker-users-test-{Guid.NewGuid():N}");

    [Fact]
    public void Every_Deployment_logs_in_to_the_broker_as_its_own_services_user()
    {
        foreach (var deployment in k8s.Deployments)
        {
            var name = KubernetesManifests.NameOf(deployment);
            // inference-batch runs the Inference image: it is the Inference service's user.
            var role = Repository.Services.Select(service => service.ToLowerInvariant()).Single(service => name == service || name.StartsWith(service + "-", StringComparison.Ordinal));
            var container = Assert.Single(KubernetesManifests.Containers(deployment));
            var environment = Yaml.Items(container["env"]).ToDictionary(variable => Yaml.Text(variable["name"])!, variable => variable["valueFrom"]?["secretKeyRef"]);

            foreach (var (variable, key) in new[] { ("Messaging__RabbitMq__Username", "username"), ("Messaging__RabbitMq__Password", "password") })
            {
                var reference = environment.GetValueOrDefault(variable);
                Assert.True(reference is not null, $"{name} does not read {variable} from a Secret");
                Assert.Equal($"platform-{role}{KubernetesManifests.UserCredentialsSuffix}", Yaml.Text(reference["name"]));
                Assert.Equal(key, Yaml.Text(reference["key"]));
            }
        }
    }

    [Fact]
    public void The_manifests_give_the_users_the_permissions_of_the_script()
    {
        var definitions = Definitions();
        var users = k8s.OfKind("User").Select(KubernetesManifests.NameOf).Order(StringComparer.Ordinal).ToList();

        // The script's users, except its administrator of the management UI (the cluster operator has its own).
        var expected = Yaml.Items(definitions["users"]).Select(user => Yaml.Text(user["name"])!).Where(user => user != "platform-admin").Order(StringComparer.Ordinal);
        Assert.Equal(expected, users);
        foreach (var permission in Yaml.Items(definitions["permissions"]).Where(permission => users.Contains(Yaml.Text(permission["user"])!)))
        {
            var user = Yaml.Text(permission["user"])!;
            var manifest = Assert.Single(k8s.OfKind("Permission"), item => Yaml.Text(item["spec"]!["userReference"]?["name"]) == user);
            Assert.Equal("/", Yaml.Text(manifest["spec"]!["vhost"]));
            foreach (var operation in new[] { "configure", "write", "read" })
                Assert.Equal(Yaml.Text(permission[operation]), Yaml.Text(manifest["spec"]!["permissions"]![operation]));
        }

        var topic = Assert.Single(Yaml.Items(definitions["topic_permissions"]));
        var topicManifest = Assert.Single(k8s.OfKind("TopicPermission"));
        Assert.Equal(Yaml.Text(topic["user"]), Yaml.Text(topicManifest["spec"]!["userReference"]!["name"]));
        foreach (var field in new[] { "exchange", "write", "read" })
            Assert.Equal(Yaml.Text(topic[field]), Yaml.Text(topicManifest["spec"]!["permissions"]![field]));
        Assert.Equal(
            Yaml.Items(definitions["exchanges"]).Select(exchange => $"{Yaml.Text(exchange["name"])} {Yaml.Text(exchange["type"])}").Order(),
            k8s.OfKind("Exchange").Select(exchange => $"{Yaml.Text(exchange["spec"]!["name"])} {Yaml.Text(exchange["spec"]!["type"])}").Order());
    }

    [Fact]
    public void No_broker_password_is_written_in_the_manifests()
    {
        foreach (var user in k8s.OfKind("User"))
        {
            var imported = Yaml.Text(user["spec"]!["importCredentialsSecret"]?["name"]);
            Assert.True(imported is not null, $"the User {KubernetesManifests.NameOf(user)} imports no Secret: the operator would make up its name");
            Assert.Equal(["username"], k8s.KeysOf("Secret", imported));
            Assert.Equal(KubernetesManifests.NameOf(user), Yaml.Text(k8s.Find("Secret", imported)!["stringData"]!["username"]));
        }

        Assert.DoesNotContain(k8s.OfKind("Secret"), secret => k8s.KeysOf("Secret", KubernetesManifests.NameOf(secret)).Any(key => key.Contains("RabbitMq", StringComparison.Ordinal)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    // The definitions scripts/broker-users.sh makes for the virtual host "/" and the default user names.
    private JsonNode Definitions()
    {
        Tool.OutputWith(new Dictionary<string, string> { ["BROKER_DIR"] = _folder, ["RABBITMQ_VHOST"] = "/", ["BROKER_USER_PREFIX"] = "platform-" },
            "bash", "scripts/broker-users.sh");
        return JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "definitions.json")))!;
    }
}
