using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Gateway;

/// <summary>
/// When the service behind a path is down or slow, clients get problem details with Retry-After instead of a
/// hang, and a dead replica stops receiving traffic.
/// </summary>
[StartEarly]
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
        while (titles[^1] != "No instance available" && clock.Elapsed < Deadlines.DistributedState)
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
        while (consecutive < 20 && clock.Elapsed < Deadlines.DistributedState)
        {
            HttpStatusCode status;
            try
            {
                using var response = await gateway.Client.GetAsync(new Uri("/v2/models/flights", UriKind.Relative));
                status = response.StatusCode;
            }
            catch (TaskCanceledException)
            {
                // The client's own timeout: the gateway was held up on a busy machine, which says nothing about the replicas.
                consecutive = 0;
                continue;
            }

            statuses.Add((int)status);
            consecutive = status == HttpStatusCode.OK ? consecutive + 1 : 0;
            if (status != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
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
        var elapsed = clock.Elapsed;

        // The stand-in would answer 200 after 10 s: a 504 is the one-second activity timeout ending the wait. How much
        // later than that second it came is the machine's load, not the gateway's behaviour, so there is no upper bound.
        Assert.Equal(504, problem.Status);
        Assert.Equal("The service did not answer in time", problem.Title);
        Assert.Contains("timeout", problem.Detail, StringComparison.Ordinal);
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.9), $"Answered after {elapsed.TotalMilliseconds:0} ms, before the 1 s activity timeout.");
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
        return new Problem(
            (int)response.StatusCode, problem.GetProperty("title").GetString() ?? "", problem.GetProperty("detail").GetString() ?? "", response.Headers.RetryAfter!.Delta!.Value);
    }

    private sealed record Problem(int Status, string Title, string Detail, TimeSpan RetryAfter);
}
