using System.Text.Json.Nodes;

namespace Deployment.Tests;

/// <summary>
/// deploy/k8s: renders offline, and the objects agree with each other (names, labels, keys, scale targets)
/// and with the code (health paths, queue names, images).
/// </summary>
public sealed class KubernetesTests(KubernetesManifests k8s) : IClassFixture<KubernetesManifests>
{
    // The services the gateway sends online traffic to, and the gateway itself: an HPA scales them on CPU.
    private static readonly string[] OnlineServices = ["gateway", "featurebuilder", "inference"];

    [Fact]
    public void The_kustomization_renders_the_objects_of_every_service()
    {
        Assert.NotEmpty(k8s.Objects);
        Assert.All(k8s.Objects, item =>
        {
            Assert.False(string.IsNullOrEmpty(Yaml.Text(item["apiVersion"])));
            Assert.False(string.IsNullOrEmpty(KubernetesManifests.NameOf(item)), $"a {Yaml.Text(item["kind"])} without a name");
        });
        foreach (var service in Repository.Services.Select(name => name.ToLowerInvariant()))
        {
            Assert.NotNull(k8s.Find("Deployment", service));
        }
    }

    [Fact]
    public void Everything_lives_in_the_platform_namespace()
    {
        var namespaceName = KubernetesManifests.NameOf(Assert.Single(k8s.OfKind("Namespace")));

        Assert.All(k8s.Objects.Where(item => Yaml.Text(item["kind"]) != "Namespace"),
            item => Assert.Equal(namespaceName, Yaml.Text(item["metadata"]?["namespace"])));
    }

    [Fact]
    public void Every_Service_selects_the_pods_of_a_Deployment_and_a_port_they_expose()
    {
        foreach (var service in k8s.OfKind("Service"))
        {
            var selector = Yaml.Entries(service["spec"]!["selector"]).ToDictionary(entry => entry.Key, entry => Yaml.Text(entry.Value));
            Assert.NotEmpty(selector);

            var selected = k8s.Deployments.Where(deployment =>
            {
                var labels = Yaml.Entries(deployment["spec"]!["template"]!["metadata"]!["labels"]).ToDictionary(entry => entry.Key, entry => Yaml.Text(entry.Value));
                return selector.All(pair => labels.GetValueOrDefault(pair.Key) == pair.Value);
            }).ToList();
            var deployment = Assert.Single(selected);

            var containerPorts = KubernetesManifests.Containers(deployment).SelectMany(container => Yaml.Items(container["ports"]))
                .SelectMany(port => new[] { Yaml.Text(port["name"]), Yaml.Text(port["containerPort"]) }).OfType<string>().ToHashSet();
            Assert.All(Yaml.Items(service["spec"]!["ports"]), port =>
                Assert.Contains(Yaml.Text(port["targetPort"]) ?? Yaml.Text(port["port"]) ?? "", containerPorts));
        }
    }

    [Fact]
    public void Every_Deployment_selector_matches_its_own_pod_labels()
    {
        foreach (var deployment in k8s.Deployments)
        {
            var labels = deployment["spec"]!["template"]!["metadata"]!["labels"]!;
            Assert.All(Yaml.Entries(deployment["spec"]!["selector"]!["matchLabels"]), pair =>
                Assert.Equal(Yaml.Text(pair.Value), Yaml.Text(labels[pair.Key])));
        }
    }

    [Fact]
    public void Every_referenced_ConfigMap_Secret_key_and_volume_claim_exists()
    {
        foreach (var deployment in k8s.Deployments)
        {
            var name = KubernetesManifests.NameOf(deployment);
            foreach (var container in KubernetesManifests.AllContainers(deployment))
            {
                foreach (var source in Yaml.Items(container["envFrom"]))
                {
                    if (Yaml.Text(source["configMapRef"]?["name"]) is { } configMap)
                    {
                        Assert.True(k8s.Find("ConfigMap", configMap) is not null, $"{name} reads the missing ConfigMap {configMap}");
                    }

                    if (Yaml.Text(source["secretRef"]?["name"]) is { } secret)
                    {
                        Assert.True(k8s.Find("Secret", secret) is not null, $"{name} reads the missing Secret {secret}");
                    }
                }

                foreach (var variable in Yaml.Items(container["env"]))
                {
                    foreach (var (kind, reference) in new[] { ("Secret", "secretKeyRef"), ("ConfigMap", "configMapKeyRef") })
                    {
                        if (variable["valueFrom"]?[reference] is { } keyRef)
                        {
                            var owner = Yaml.Text(keyRef["name"])!;
                            var key = Yaml.Text(keyRef["key"])!;
                            Assert.True(k8s.KeysOf(kind, owner).Contains(key), $"{name} reads {key} of the {kind} {owner}, which has no such key");
                        }
                    }
                }
            }

            foreach (var volume in Yaml.Items(KubernetesManifests.PodSpec(deployment)["volumes"]))
            {
                if (Yaml.Text(volume["persistentVolumeClaim"]?["claimName"]) is { } claim)
                {
                    Assert.True(k8s.Find("PersistentVolumeClaim", claim) is not null, $"{name} mounts the missing claim {claim}");
                }
            }
        }

        foreach (var authentication in k8s.OfKind("TriggerAuthentication"))
        {
            foreach (var reference in Yaml.Items(authentication["spec"]!["secretTargetRef"]))
            {
                Assert.Contains(Yaml.Text(reference["key"]) ?? "", k8s.KeysOf("Secret", Yaml.Text(reference["name"])!));
            }
        }
    }

    [Fact]
    public void Every_autoscaler_targets_an_existing_Deployment_and_no_Deployment_has_two()
    {
        var targets = k8s.OfKind("HorizontalPodAutoscaler").Concat(k8s.OfKind("ScaledObject"))
            .Select(scaler => (Kind: Yaml.Text(scaler["spec"]!["scaleTargetRef"]!["kind"]) ?? "Deployment", Name: Yaml.Text(scaler["spec"]!["scaleTargetRef"]!["name"])!))
            .ToList();

        Assert.All(targets, target =>
        {
            Assert.Equal("Deployment", target.Kind);
            Assert.True(k8s.Find("Deployment", target.Name) is not null, $"an autoscaler targets the missing Deployment {target.Name}");
        });
        // An HPA and a ScaledObject (which makes its own HPA) on one Deployment would fight over its replicas.
        Assert.Equal(targets.Count, targets.Select(target => target.Name).Distinct().Count());
    }

    [Fact]
    public void The_online_services_have_a_CPU_autoscaler_that_keeps_at_least_two_replicas()
    {
        foreach (var service in OnlineServices)
        {
            var hpa = k8s.OfKind("HorizontalPodAutoscaler").SingleOrDefault(item => Yaml.Text(item["spec"]!["scaleTargetRef"]!["name"]) == service);
            Assert.True(hpa is not null, $"no HorizontalPodAutoscaler for {service}");
            Assert.True(int.Parse(Yaml.Text(hpa["spec"]!["minReplicas"])!, System.Globalization.CultureInfo.InvariantCulture) >= 2);
            Assert.Contains(Yaml.Items(hpa["spec"]!["metrics"]), metric => Yaml.Text(metric["resource"]?["name"]) == "cpu");
        }

        Assert.Equal("2", Yaml.Text(k8s.Find("Deployment", "inference")!["spec"]!["replicas"]));
    }

    [Fact]
    public void The_batch_scorer_scales_from_zero_on_the_batch_chunk_queue()
    {
        var batch = k8s.Find("Deployment", "inference-batch");
        Assert.NotNull(batch);
        Assert.Equal(Image(k8s.Find("Deployment", "inference")!), Image(batch));

        var scaler = Assert.Single(k8s.OfKind("ScaledObject"), item => Yaml.Text(item["spec"]!["scaleTargetRef"]!["name"]) == "inference-batch");
        Assert.Equal("0", Yaml.Text(scaler["spec"]!["minReplicaCount"]));
        Assert.Contains(Yaml.Items(scaler["spec"]!["triggers"]), trigger => Yaml.Text(trigger["metadata"]?["queueName"]) == "score-batch-chunk");
    }

    [Fact]
    public void A_Deployment_that_a_Service_routes_to_never_scales_to_zero()
    {
        var routed = k8s.OfKind("Service").Select(service => Yaml.Text(service["spec"]!["selector"]!["app.kubernetes.io/name"])).ToHashSet();

        foreach (var scaler in k8s.OfKind("ScaledObject"))
        {
            var target = Yaml.Text(scaler["spec"]!["scaleTargetRef"]!["name"]);
            if (routed.Contains(target))
            {
                Assert.NotEqual("0", Yaml.Text(scaler["spec"]!["minReplicaCount"]) ?? "0");
            }
        }

        Assert.All(k8s.Deployments.Where(deployment => routed.Contains(KubernetesManifests.NameOf(deployment))),
            deployment => Assert.NotEqual("0", Yaml.Text(deployment["spec"]!["replicas"])));
    }

    [Fact]
    public void KEDA_triggers_read_queues_the_services_consume_and_log_in_through_a_TriggerAuthentication()
    {
        var triggers = k8s.OfKind("ScaledObject").SelectMany(scaler => Yaml.Items(scaler["spec"]!["triggers"])).ToList();
        Assert.NotEmpty(triggers);
        Assert.Contains("score-batch-chunk", CodeFacts.ConsumerQueues);

        Assert.All(triggers, trigger =>
        {
            Assert.Equal("rabbitmq", Yaml.Text(trigger["type"]));
            var queue = Yaml.Text(trigger["metadata"]?["queueName"]);
            Assert.True(queue is not null && CodeFacts.ConsumerQueues.Contains(queue),
                $"KEDA watches the queue {queue}, which no consumer declares; the consumers' queues are {string.Join(", ", CodeFacts.ConsumerQueues)}");
            Assert.Equal("QueueLength", Yaml.Text(trigger["metadata"]?["mode"]));
            var authentication = Yaml.Text(trigger["authenticationRef"]?["name"]);
            Assert.True(authentication is not null && k8s.Find("TriggerAuthentication", authentication) is not null,
                $"the trigger on {queue} has no TriggerAuthentication {authentication}");
        });
    }

    [Fact]
    public void Every_container_has_resource_requests_and_limits()
    {
        foreach (var deployment in k8s.Deployments)
        {
            foreach (var container in KubernetesManifests.AllContainers(deployment))
            {
                foreach (var bound in new[] { "requests", "limits" })
                {
                    foreach (var resource in new[] { "cpu", "memory" })
                    {
                        Assert.True(Yaml.Text(container["resources"]?[bound]?[resource]) is { Length: > 0 },
                            $"{KubernetesManifests.NameOf(deployment)}/{Yaml.Text(container["name"])} has no {bound}.{resource}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Every_service_container_is_probed_on_the_health_endpoints_the_services_map()
    {
        foreach (var deployment in k8s.Deployments)
        {
            foreach (var container in KubernetesManifests.Containers(deployment))
            {
                var ports = Yaml.Items(container["ports"]).SelectMany(port => new[] { Yaml.Text(port["name"]), Yaml.Text(port["containerPort"]) }).OfType<string>().ToHashSet();
                foreach (var (probe, path) in new[] { ("startupProbe", CodeFacts.LivePath), ("livenessProbe", CodeFacts.LivePath), ("readinessProbe", CodeFacts.ReadyPath) })
                {
                    var where = $"{KubernetesManifests.NameOf(deployment)}/{Yaml.Text(container["name"])}.{probe}";
                    Assert.True(container[probe]?["httpGet"] is not null, $"{where} is missing or not an HTTP probe");
                    Assert.Equal(path, Yaml.Text(container[probe]!["httpGet"]!["path"]));
                    Assert.Contains(Yaml.Text(container[probe]!["httpGet"]!["port"]) ?? "", ports);
                }
            }
        }
    }

    [Fact]
    public void Every_pod_runs_as_the_images_non_root_user()
    {
        foreach (var deployment in k8s.Deployments)
        {
            var security = KubernetesManifests.PodSpec(deployment)["securityContext"];
            Assert.Equal("true", Yaml.Text(security?["runAsNonRoot"]));
            Assert.Equal("1654", Yaml.Text(security?["runAsUser"]));
        }
    }

    [Fact]
    public void Images_are_the_services_images_from_one_registry_with_one_tag()
    {
        var expected = Repository.Services.ToDictionary(Repository.ImageOf, service => service);
        var images = k8s.Deployments.Select(deployment => (Deployment: KubernetesManifests.NameOf(deployment), Image: Image(deployment))).ToList();

        var parsed = images.Select(item =>
        {
            var colon = item.Image.LastIndexOf(':');
            Assert.True(colon > item.Image.LastIndexOf('/'), $"{item.Deployment} runs {item.Image} without a tag");
            var repository = item.Image[..colon];
            var name = expected.Keys.SingleOrDefault(image => repository == image || repository.EndsWith("/" + image, StringComparison.Ordinal));
            Assert.True(name is not null, $"{item.Deployment} runs {item.Image}, which is none of the services' images ({string.Join(", ", expected.Keys)})");
            return (item.Deployment, Registry: repository[..^name.Length], Name: name, Tag: item.Image[(colon + 1)..]);
        }).ToList();

        Assert.Single(parsed.Select(item => item.Registry).Distinct());
        Assert.Single(parsed.Select(item => item.Tag).Distinct());
        // A Deployment named after a service runs that service's image (inference-batch runs Inference's).
        Assert.All(parsed, item => Assert.StartsWith(item.Name["ml-platform/".Length..], item.Deployment, StringComparison.Ordinal));
        Assert.Equal(expected.Keys.Order(), parsed.Select(item => item.Name).Distinct().Order());
    }

    [Fact]
    public void The_gateway_routes_to_Services_that_exist_on_the_port_they_expose()
    {
        var gateway = k8s.Find("Deployment", "gateway")!;
        var settings = KubernetesManifests.Containers(gateway)
            .SelectMany(container => Yaml.Items(container["envFrom"]))
            .Select(source => Yaml.Text(source["configMapRef"]?["name"]))
            .OfType<string>()
            .SelectMany(configMap => Yaml.Entries(k8s.Find("ConfigMap", configMap)!["data"]))
            .Where(entry => entry.Key.StartsWith("ReverseProxy__Clusters__", StringComparison.Ordinal) && entry.Key.EndsWith("__Address", StringComparison.Ordinal))
            .ToList();

        // Every destination the gateway's appsettings.json names is overridden or already a Service name.
        var defaults = JsonNode.Parse(Repository.Read("services/Gateway/appsettings.json"))!["ReverseProxy"]!["Clusters"]!.AsObject()
            .SelectMany(cluster => cluster.Value!["Destinations"]!.AsObject().Select(destination =>
                KeyValuePair.Create($"ReverseProxy__Clusters__{cluster.Key}__Destinations__{destination.Key}__Address", destination.Value!["Address"]!.GetValue<string>())));
        var effective = defaults.ToDictionary(pair => pair.Key, pair => pair.Value);
        foreach (var (key, value) in settings)
        {
            effective[key] = Yaml.Text(value)!;
        }

        Assert.All(effective, pair =>
        {
            var address = new Uri(pair.Value);
            var service = k8s.Find("Service", address.Host);
            Assert.True(service is not null, $"{pair.Key} = {address}: there is no Service {address.Host}");
            Assert.Contains(address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), Yaml.Items(service["spec"]!["ports"]).Select(port => Yaml.Text(port["port"])));
        });
    }

    private static string Image(JsonNode deployment) => Yaml.Text(Assert.Single(KubernetesManifests.Containers(deployment))["image"])!;
}
