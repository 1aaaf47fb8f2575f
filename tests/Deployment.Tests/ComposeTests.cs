namespace Deployment.Tests;

/// <summary>docker-compose.yml: valid, and the topology it describes is the one the platform needs.</summary>
public sealed class ComposeTests(ComposeFile compose) : IClassFixture<ComposeFile>
{
    // Pieces that keep data, and the folder in the container where they keep it. The services keep theirs
    // in MongoDB except what is files: the Retrainer's model bundles and FeatureBuilder's uploaded batch inputs.
    private static readonly Dictionary<string, string> StatefulFolders = new()
    {
        ["rabbitmq"] = "/var/lib/rabbitmq",
        ["mongodb"] = "/data/db",
        ["retrainer"] = "/data/models",
        ["featurebuilder"] = "/data/batches",
    };

    [Fact]
    public void Docker_compose_accepts_the_file()
    {
        var result = Tool.Run("docker-compose", "--env-file", compose.EnvironmentFile, "-f", "docker-compose.yml", "config", "-q");

        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public void Docker_compose_refuses_to_start_without_the_broker_passwords_and_names_the_script_that_makes_them()
    {
        var empty = Path.GetTempFileName();
        var result = Tool.Run("docker-compose", "--env-file", empty, "-f", "docker-compose.yml", "config", "-q");
        File.Delete(empty);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("scripts/broker-users.sh --compose", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_service_project_runs_from_its_own_Dockerfile_under_its_image_name()
    {
        foreach (var service in Repository.Services)
        {
            var built = compose.PlatformServices.Where(entry => entry.Value == $"services/{service}/Dockerfile").Select(entry => entry.Key).ToList();
            Assert.True(built.Count > 0, $"no compose service is built from services/{service}/Dockerfile");
            Assert.All(built, name => Assert.StartsWith(Repository.ImageOf(service) + ":", Yaml.Text(compose.Services[name]["image"])));
        }

        Assert.All(compose.PlatformServices.Values, dockerfile => Assert.True(File.Exists(Repository.PathOf(dockerfile)), dockerfile));
    }

    [Fact]
    public void Only_the_gateway_its_gRPC_port_and_the_Jaeger_UI_are_published_by_default()
    {
        var published = compose.Services
            .SelectMany(service => ComposeFile.TargetPorts(service.Value).Select(port => $"{service.Key}:{port}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(["gateway:8080", "gateway:8081", "jaeger:16686"], published);
    }

    [Fact]
    public void The_override_files_publish_the_management_UI_on_the_loopback_address_and_AMQP()
    {
        var management = Yaml.Entries(compose.Config("deploy/compose/management.yml")["services"]).Single(entry => entry.Key == "rabbitmq").Value!;
        var amqp = Yaml.Entries(compose.Config("deploy/compose/amqp.yml")["services"]).Single(entry => entry.Key == "rabbitmq").Value!;

        Assert.Equal(["15672"], ComposeFile.TargetPorts(management));
        Assert.StartsWith("127.0.0.1:", Yaml.Text(Assert.Single(Yaml.Items(management["ports"]))), StringComparison.Ordinal);
        Assert.Equal(["5672"], ComposeFile.TargetPorts(amqp));
    }

    [Fact]
    public void Every_platform_service_starts_after_RabbitMQ_and_MongoDB_are_healthy()
    {
        Assert.NotEmpty(compose.PlatformServices);
        foreach (var name in compose.PlatformServices.Keys)
        {
            var dependencies = ComposeFile.DependsOn(compose.Services[name]);
            Assert.Equal("service_healthy", dependencies.GetValueOrDefault("rabbitmq"));
            Assert.Equal("service_healthy", dependencies.GetValueOrDefault("mongodb"));
        }
    }

    [Fact]
    public void A_service_waited_for_as_healthy_has_a_health_check()
    {
        foreach (var (name, service) in compose.Services)
        {
            foreach (var (dependency, condition) in ComposeFile.DependsOn(service))
            {
                Assert.True(compose.Services.ContainsKey(dependency), $"{name} depends on {dependency}, which is not a service");
                if (condition != "service_healthy")
                {
                    continue;
                }

                var target = compose.Services[dependency];
                var checkedInCompose = target["healthcheck"]?["test"] is not null;
                var checkedInImage = compose.PlatformServices.TryGetValue(dependency, out var dockerfile) &&
                    Repository.Read(dockerfile).Contains("\nHEALTHCHECK ", StringComparison.Ordinal);
                Assert.True(checkedInCompose || checkedInImage, $"{name} waits for {dependency} to be healthy, but {dependency} has no health check");
            }
        }
    }

    [Fact]
    public void MongoDB_is_checked_with_a_mongosh_ping()
    {
        var test = string.Join(' ', Yaml.Items(compose.Services["mongodb"]["healthcheck"]?["test"]).Select(Yaml.Text));

        Assert.Contains("mongosh", test, StringComparison.Ordinal);
        Assert.Contains("ping", test, StringComparison.Ordinal);
        Assert.Matches(@"^mongo:[78]", Yaml.Text(compose.Services["mongodb"]["image"]));
    }

    [Fact]
    public void Two_Inference_replicas_run_the_same_image()
    {
        var replicas = compose.PlatformServices.Where(entry => entry.Value == "services/Inference/Dockerfile").Select(entry => entry.Key).Order().ToList();

        Assert.Equal(["inference-1", "inference-2"], replicas);
        Assert.Single(replicas.Select(name => Yaml.Text(compose.Services[name]["image"])).Distinct());
        Assert.Equal(replicas, replicas.Select(name => ComposeFile.Environment(compose.Services[name])["OTEL_SERVICE_NAME"]));
    }

    [Fact]
    public void Every_platform_service_uses_MongoDB_RabbitMQ_and_Jaeger_on_the_compose_network()
    {
        foreach (var name in compose.PlatformServices.Keys)
        {
            var environment = ComposeFile.Environment(compose.Services[name]);
            Assert.Equal("MongoDb", environment.GetValueOrDefault("Storage__Provider"));
            Assert.Equal("mongodb://mongodb:27017", environment.GetValueOrDefault("ConnectionStrings__MongoDb"));
            Assert.Equal("RabbitMq", environment.GetValueOrDefault("Messaging__Transport"));
            Assert.Equal("rabbitmq", environment.GetValueOrDefault("Messaging__RabbitMq__Host"));
            Assert.Equal("http://jaeger:4317", environment.GetValueOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT"));
            Assert.Equal(name, environment.GetValueOrDefault("OTEL_SERVICE_NAME"));
        }
    }

    [Fact]
    public void Every_service_logs_in_to_RabbitMQ_as_its_own_user_with_the_password_the_script_generated()
    {
        foreach (var (name, dockerfile) in compose.PlatformServices)
        {
            // The role is the service's: both Inference replicas are platform-inference.
            var role = dockerfile.Split('/')[1].ToUpperInvariant();
            var environment = ComposeFile.Environment(compose.Services[name]);
            Assert.Equal(compose.Settings[$"BROKER_{role}_USER"], environment["Messaging__RabbitMq__Username"]);
            Assert.Equal($"platform-{role.ToLowerInvariant()}", environment["Messaging__RabbitMq__Username"]);
            Assert.Equal(compose.Settings[$"BROKER_{role}_PASSWORD"], environment["Messaging__RabbitMq__Password"]);
        }

        Assert.Equal(Repository.Services.Count, compose.PlatformServices.Keys
            .Select(name => ComposeFile.Environment(compose.Services[name])["Messaging__RabbitMq__Username"]).Distinct().Count());
    }

    [Fact]
    public void The_file_holds_no_password_and_the_broker_has_no_default_user()
    {
        var lines = Repository.Read("docker-compose.yml").Split('\n');
        var secrets = lines.Where(line => line.Contains("PASS", StringComparison.OrdinalIgnoreCase) && !line.TrimStart().StartsWith('#')).ToList();

        Assert.NotEmpty(secrets);
        Assert.All(secrets, line => Assert.Matches(@"^\s*\w+: \$\{BROKER_[A-Z]+_PASSWORD:\?[^}]+\}$", line));
        Assert.DoesNotContain("RABBITMQ_DEFAULT_USER", ComposeFile.Environment(compose.Services["rabbitmq"]).Keys);
    }

    [Fact]
    public void The_broker_loads_the_users_from_the_definitions_the_script_writes()
    {
        var mounts = Yaml.Items(compose.Services["rabbitmq"]["volumes"])
            .Select(volume => volume is System.Text.Json.Nodes.JsonValue ? Yaml.Text(volume)! : $"{Yaml.Text(volume["source"])}:{Yaml.Text(volume["target"])}")
            .Select(mount => mount.Split(':'))
            .ToDictionary(parts => parts[1], parts => parts[0].Replace('\\', '/'));
        var configuration = mounts.Single(mount => mount.Key.StartsWith("/etc/rabbitmq/conf.d/", StringComparison.Ordinal));

        Assert.EndsWith("/deploy/compose/rabbitmq.conf", configuration.Value, StringComparison.Ordinal);
        Assert.Contains("load_definitions = /etc/rabbitmq/definitions.json", Repository.Read("deploy/compose/rabbitmq.conf"), StringComparison.Ordinal);
        Assert.EndsWith("/.data/broker/definitions.json", mounts["/etc/rabbitmq/definitions.json"], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_stateful_piece_keeps_its_data_on_a_named_volume()
    {
        var declared = Yaml.Entries(compose.Root["volumes"]).Select(entry => entry.Key).ToHashSet();
        foreach (var (name, folder) in StatefulFolders)
        {
            var volume = ComposeFile.NamedVolumes(compose.Services[name]).Where(mount => mount.Target == folder).Select(mount => mount.Volume).SingleOrDefault();
            Assert.True(volume is not null, $"{name} has no named volume on {folder}");
            Assert.Contains(volume, declared);
        }

        // The services write where the volumes are mounted.
        Assert.Equal("/data/models", ComposeFile.Environment(compose.Services["retrainer"])["Registry__ModelsFolder"]);
        Assert.Equal("/data/batches", ComposeFile.Environment(compose.Services["featurebuilder"])["Batches__UploadFolder"]);
    }

    [Fact]
    public void The_Retrainer_reads_the_demo_data_for_its_bootstrap_model()
    {
        var retrainer = compose.Services["retrainer"];
        var demoData = ComposeFile.Environment(retrainer)["DEMO_DATA_DIR"];

        var mount = Assert.Single(Yaml.Items(retrainer["volumes"]), volume =>
            (volume is System.Text.Json.Nodes.JsonValue ? Yaml.Text(volume)!.Split(':')[1] : Yaml.Text(volume["target"])) == demoData);
        var source = mount is System.Text.Json.Nodes.JsonValue ? Yaml.Text(mount)!.Split(':')[0] : Yaml.Text(mount["source"])!;
        Assert.EndsWith("/.data/vega-datasets", source.Replace('\\', '/'), StringComparison.Ordinal);
    }

    [Fact]
    public void The_gateway_routes_to_compose_services_and_opens_when_they_are_healthy()
    {
        var settings = System.Text.Json.Nodes.JsonNode.Parse(Repository.Read("services/Gateway/appsettings.json"))!;
        var addresses = settings["ReverseProxy"]!["Clusters"]!.AsObject()
            .SelectMany(cluster => cluster.Value!["Destinations"]!.AsObject().Select(destination => new Uri(destination.Value!["Address"]!.GetValue<string>())))
            .ToList();

        Assert.NotEmpty(addresses);
        var gatewayWaitsFor = ComposeFile.DependsOn(compose.Services["gateway"]);
        Assert.All(addresses, address =>
        {
            Assert.True(compose.Services.ContainsKey(address.Host), $"the gateway routes to {address}, but compose has no service {address.Host}");
            // The REST port, or the gRPC port the service is told to listen on (Grpc__Url, cleartext HTTP/2).
            var grpc = ComposeFile.Environment(compose.Services[address.Host]).GetValueOrDefault("Grpc__Url");
            Assert.True(address.Port == 8080 || (grpc is not null && new Uri(grpc.Replace("+", "any", StringComparison.Ordinal)).Port == address.Port),
                $"the gateway routes to {address}, a port {address.Host} does not listen on");
            Assert.Equal("service_healthy", gatewayWaitsFor.GetValueOrDefault(address.Host));
        });
    }
}
