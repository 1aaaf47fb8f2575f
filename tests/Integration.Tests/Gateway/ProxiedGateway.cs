namespace Integration.Tests.Gateway;

/// <summary>
/// The Gateway as a real process whose clusters point at addresses a test chooses (upstream stand-ins on
/// 127.0.0.1, or a port nothing listens on), set the way a deployment sets them: by environment variables.
/// </summary>
internal static class ProxiedGateway
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An address where nothing listens: a destination that is down.</summary>
    public static string DeadAddress() => $"http://127.0.0.1:{ServiceProcess.FreeTcpPort()}";

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
            ["ReverseProxy__Clusters__featurebuilder__Destinations__primary__Address"] = featureBuilder,
            ["ReverseProxy__Clusters__inference__Destinations__replica1__Address"] = inferenceReplica1,
            ["ReverseProxy__Clusters__inference__Destinations__replica2__Address"] = inferenceReplica2,
            ["ReverseProxy__Clusters__feedbackcollector__Destinations__primary__Address"] = feedbackCollector,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;

        var gateway = ServiceProcess.Start("Gateway", environment);
        try
        {
            await gateway.WaitUntilLiveAsync(StartTimeout);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }
}
