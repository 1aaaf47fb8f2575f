using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Integration.Tests.Online;

namespace Integration.Tests.Gateway;

/// <summary>
/// The Gateway as a real process whose clusters point at addresses a test chooses (upstream stand-ins on
/// 127.0.0.1, or a port nothing listens on), set the way a deployment sets them: by environment variables.
/// </summary>
internal static class ProxiedGateway
{
    private static readonly string[] Clusters = ["featurebuilder", "inference", "feedbackcollector", "monitor", "retrainer"];

    // Sockets that hold the dead addresses' ports for the rest of the run.
    private static readonly ConcurrentBag<Socket> DeadPorts = [];

    /// <summary>
    /// An address where nothing listens: a destination that is down. Its port is bound by a socket of this process that
    /// never listens, so a connection to it is refused and nothing else on the machine (another test run's service
    /// included) can take the port while the run lasts.
    /// </summary>
    public static string DeadAddress()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        DeadPorts.Add(socket);
        return $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}";
    }

    /// <summary>Starts the Gateway with these destinations and settings and waits until it answers.</summary>
    public static async Task<ServiceProcess> StartAsync(
        string featureBuilder,
        string inferenceReplica1,
        string inferenceReplica2,
        string feedbackCollector,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            // The gateway alone, before stand-ins that check nothing: no key owner runs here to give it keys. The
            // gateway's own checks are tested with the real services (Security/DistributedScopeTests).
            ["Security__Enabled"] = "false",
            ["ReverseProxy__Clusters__featurebuilder__Destinations__primary__Address"] = featureBuilder,
            ["ReverseProxy__Clusters__inference__Destinations__replica1__Address"] = inferenceReplica1,
            ["ReverseProxy__Clusters__inference__Destinations__replica2__Address"] = inferenceReplica2,
            ["ReverseProxy__Clusters__feedbackcollector__Destinations__primary__Address"] = feedbackCollector,
        };
        foreach (var cluster in Clusters)
        {
            // A health probe or an answer slower than the production limits (2 s, 10 s) on a busy machine would take a
            // live stand-in out of rotation or fail a request no test here is about; the tests of those limits set their own.
            environment[$"ReverseProxy__Clusters__{cluster}__HealthCheck__Active__Timeout"] = "00:00:30";
            environment[$"ReverseProxy__Clusters__{cluster}__HttpRequest__ActivityTimeout"] = "00:01:00";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;

        var gateway = ServiceProcess.Start("Gateway", environment);
        try
        {
            await gateway.WaitUntilLiveAsync(Deadlines.ProcessStart);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }
}
