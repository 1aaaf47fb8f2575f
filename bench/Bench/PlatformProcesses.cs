using System.Globalization;

namespace Bench;

/// <summary>A process whose CPU time the bench reads, and its allocations when it is a hot .NET service.</summary>
/// <param name="Name">As the report names it: "Gateway", "Inference (:5402)", "RabbitMQ", "embedded host".</param>
/// <param name="Pid">Its process id.</param>
/// <param name="Metrics">Its Prometheus <c>/metrics</c> where the bench reads allocated bytes (gateway, FeatureBuilder, Inference, the embedded host), else null.</param>
public sealed record MeasuredProcess(string Name, int Pid, Uri? Metrics);

/// <summary>
/// The processes of a running platform on this machine, found from the port its gateway listens on: the process
/// listening there is the gateway (or the embedded host, when it runs <c>Embedded.dll</c>); the services are the
/// processes running <c>&lt;Service&gt;.dll</c> beside it (the same parent, as <c>scripts/run-distributed.sh</c> starts
/// them), or the only process on the machine running it; RabbitMQ is the <c>beam.smp</c> process of a <c>rabbit</c> node.
/// </summary>
/// <param name="Embedded">Whether the gateway's process is the embedded host (all six services in one process).</param>
/// <param name="Processes">What was found.</param>
/// <param name="NotFound">One sentence per process looked for and not found, for the report.</param>
public sealed record PlatformProcesses(bool Embedded, IReadOnlyList<MeasuredProcess> Processes, IReadOnlyList<string> NotFound)
{
    private static readonly string[] Services = ["FeatureBuilder", "Inference", "FeedbackCollector", "Monitor", "Retrainer"];
    private static readonly string[] Hot = ["Gateway", "FeatureBuilder", "Inference"];

    /// <summary>Finds the platform whose gateway listens on <paramref name="gateway"/>'s port.</summary>
    public static PlatformProcesses Find(Uri gateway)
    {
        if (LinuxProcesses.ListeningOn(gateway.Port) is not { } gatewayPid)
            return new PlatformProcesses(false, [], [$"no process of this machine listens on port {gateway.Port}: the platform's processes were not measured"]);

        if (RunsDll(gatewayPid, "Embedded"))
            return new PlatformProcesses(true, [new MeasuredProcess("embedded host", gatewayPid, MetricsOf(gatewayPid))], []);

        var found = new List<MeasuredProcess> { new("Gateway", gatewayPid, MetricsOf(gatewayPid)) };
        var notFound = new List<string>();
        var parent = LinuxProcesses.ParentOf(gatewayPid);
        var everyProcess = LinuxProcesses.All().ToList();
        foreach (var service in Services)
        {
            var running = everyProcess.Where(pid => RunsDll(pid, service)).ToList();
            var beside = running.Where(pid => LinuxProcesses.ParentOf(pid) == parent).ToList();
            var chosen = beside.Count > 0 ? beside : running.Count == 1 ? running : [];
            if (chosen.Count == 0)
            {
                notFound.Add(running.Count == 0
                    ? $"{service}: no process runs {service}.dll"
                    : $"{service}: {running.Count} processes run {service}.dll, none beside the gateway (pid {gatewayPid})");
                continue;
            }

            foreach (var pid in chosen)
            {
                var ports = LinuxProcesses.ListeningPorts(pid);
                var name = chosen.Count > 1 && ports.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"{service} (:{ports[0]})") : service;
                found.Add(new MeasuredProcess(name, pid, Hot.Contains(service) ? MetricsOf(pid) : null));
            }
        }

        var brokers = everyProcess.Where(pid => LinuxProcesses.CommandLine(pid) is var command
            && command.Any(part => part.EndsWith("beam.smp", StringComparison.Ordinal)) && command.Any(part => part.Contains("rabbit", StringComparison.Ordinal))).ToList();
        if (brokers.Count == 1)
            found.Add(new MeasuredProcess("RabbitMQ", brokers[0], null));
        else
            notFound.Add($"RabbitMQ: {brokers.Count} beam.smp processes of a rabbit node");
        return new PlatformProcesses(false, found, notFound);
    }

    private static bool RunsDll(int pid, string name) =>
        LinuxProcesses.CommandLine(pid).Any(part => part == $"{name}.dll" || part.EndsWith($"/{name}.dll", StringComparison.Ordinal));

    private static Uri? MetricsOf(int pid) =>
        LinuxProcesses.ListeningPorts(pid) is [var port, ..] ? new Uri($"http://127.0.0.1:{port}/metrics") : null;
}
