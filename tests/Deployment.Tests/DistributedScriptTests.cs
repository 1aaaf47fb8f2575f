using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deployment.Tests;

/// <summary>scripts/run-distributed.sh: the gateway it starts reaches every service on this machine.</summary>
public sealed partial class DistributedScriptTests
{
    [Fact]
    public void The_script_points_every_gateway_cluster_at_a_local_port()
    {
        var script = Repository.Read("scripts/run-distributed.sh");
        var clusters = JsonNode.Parse(Repository.Read("services/Gateway/appsettings.json"))!["ReverseProxy"]!["Clusters"]!.AsObject()
            .Select(cluster => cluster.Key)
            .ToList();
        var overridden = Destination().Matches(script)
            .GroupBy(match => match.Groups["cluster"].Value)
            .ToDictionary(group => group.Key, group => group.First().Groups["address"].Value);

        Assert.NotEmpty(clusters);
        Assert.All(clusters, cluster =>
        {
            // Otherwise the gateway keeps the compose host name (http://<service>:8080) and answers 503 on that route.
            Assert.True(overridden.ContainsKey(cluster), $"run-distributed.sh sets no destination of the gateway's cluster '{cluster}'");
            Assert.StartsWith("http://127.0.0.1:", overridden[cluster], StringComparison.Ordinal);
        });
    }

    [GeneratedRegex("""ReverseProxy__Clusters__(?<cluster>[a-z-]+)__Destinations__[a-z0-9]+__Address="(?<address>[^"]+)"?""")]
    private static partial Regex Destination();
}
