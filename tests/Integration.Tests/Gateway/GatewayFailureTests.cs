using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Integration.Tests.Gateway;

/// <summary>
/// When the service behind a path is down or slow, clients get problem details with Retry-After in bounded
/// time, and a dead replica stops receiving traffic.
/// </summary>
public sealed class GatewayFailureTests
{
    private const string ServiceUnavailableType = "tag:ml-platform,2025:problems/service-unavailable";

    // Probing every second lets a test see a destination marked unhealthy within a few seconds.
    private static readonly Dictionary<string, string> FastHealthChecks = new()
    {
        ["ReverseProxy__Clusters__inference__HealthCheck__Active__Interval"] = "00:00:01",
        ["ReverseProxy__Clusters__featurebuilder__HealthCheck__Active__Interval"] = "00:00:01",
    };

    [Fact]
    public async Task A_path_whose_only_instance_is_down_gets_503_problem_details_with_Retry_After_before_and_after_the_health_check_notices()
    {
        await using var inference = await UpstreamService.StartAsync("inference");
        await using var feedback = await UpstreamService.StartAsync("feedbackcollector");
        await using var gateway = await ProxiedGateway.StartAsync(
            ProxiedGateway.DeadAddress(), inference.Address, inference.Address, feedback.Address,
            new Dictionary<string, string>(FastHealthChecks) { ["Gateway__RetryAfterSeconds"] = "7" });

        // Before the active health check has marked it: the connection is refused.
        var first = await GetProblemAsync(gateway, "/api/v1/models");
        Assert.Equal(503, first.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), first.RetryAfter);

        // Once it is marked unhealthy, the gateway no longer tries it.
        var clock = Stopwatch.StartNew();
        var titles = new List<string> { first.Title };
        while (titles[^1] != "No instance available" && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(250);
            var problem = await GetProblemAsync(gateway, "/api/v1/models");
            Assert.Equal(503, problem.Status);
            titles.Add(problem.Title);
        }

        Assert.True(titles[^1] == "No instance available", $"The dead instance was never marked unhealthy; titles: {string.Join(", ", titles.Distinct())}");
    }

    [Fact]
    public async Task A_dead_Inference_replica_stops_receiving_traffic()
    {
        await using var live = await UpstreamService.StartAsync("inference-1");
        await using var other = await UpstreamService.StartAsync("other");
        await using var gateway = await ProxiedGateway.StartAsync(
            other.Address, live.Address, ProxiedGateway.DeadAddress(), other.Address, FastHealthChecks);

        // Until the dead replica is marked, about half the requests pick it; afterwards every one succeeds.
        var clock = Stopwatch.StartNew();
        var consecutive = 0;
        var statuses = new List<int>();
        while (consecutive < 20 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            using var response = await gateway.Client.GetAsync(new Uri("/v2/models/flights", UriKind.Relative));
            statuses.Add((int)response.StatusCode);
            consecutive = response.StatusCode == HttpStatusCode.OK ? consecutive + 1 : 0;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                await Task.Delay(100);
            }
        }

        Assert.True(consecutive >= 20, $"Requests kept failing after {clock.Elapsed.TotalSeconds:0} s: {string.Join(' ', statuses)}\n{gateway.Output}");
    }

    [Fact]
    public async Task An_instance_that_does_not_answer_within_the_activity_timeout_gets_504_problem_details_with_Retry_After()
    {
        await using var slow = await UpstreamService.StartAsync("featurebuilder");
        await using var gateway = await ProxiedGateway.StartAsync(
            slow.Address, slow.Address, slow.Address, slow.Address,
            new Dictionary<string, string> { ["ReverseProxy__Clusters__featurebuilder__HttpRequest__ActivityTimeout"] = "00:00:01" });

        var clock = Stopwatch.StartNew();
        var problem = await GetProblemAsync(gateway, "/api/v1/models?delayMs=10000");

        Assert.Equal(504, problem.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    private static async Task<Problem> GetProblemAsync(ServiceProcess gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            throw gateway.Failure($"{path}: expected problem details, got {(int)response.StatusCode} {response.Content.Headers.ContentType}: '{body}'");

        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(ServiceUnavailableType, problem.GetProperty("type").GetString());
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.True(response.Headers.RetryAfter?.Delta is { } retryAfter && retryAfter > TimeSpan.Zero, $"No Retry-After on {(int)response.StatusCode} from {path}");
        return new Problem((int)response.StatusCode, problem.GetProperty("title").GetString() ?? "", response.Headers.RetryAfter!.Delta!.Value);
    }

    private sealed record Problem(int Status, string Title, TimeSpan RetryAfter);
}
