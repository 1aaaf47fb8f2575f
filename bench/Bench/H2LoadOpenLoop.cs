using System.Diagnostics;
using System.Globalization;

namespace Bench;

/// <summary>
/// The open loop over HTTP, run by <c>h2load</c> (Debian's nghttp2-client, installed by
/// <c>scripts/install-bench-tools.sh</c>) in HTTP/1.1: each connection sends its share of the rate on its own timer
/// (<c>--rps</c>), and the connections are opened one after the other across one tick of that timer, so their requests
/// are spread over time rather than sent together. h2load writes every request's status and latency to a log file
/// (<c>--log-file</c>), from which the percentiles are taken.
/// </summary>
public static class H2LoadOpenLoop
{
    /// <summary>
    /// The most requests per second one connection is given: h2load's rate timer ticks every max(10 ms, 1/rate), so at
    /// this rate or below each tick sends one request.
    /// </summary>
    public const int MaxPerConnection = 100;

    /// <summary>POSTs <paramref name="bodyFile"/> to <paramref name="target"/> at <paramref name="perSecond"/> requests a second for <paramref name="duration"/>.</summary>
    /// <param name="target">The URL.</param>
    /// <param name="bodyFile">The body of every request, or null for GET.</param>
    /// <param name="key">The bearer key, or null. h2load takes headers only on its command line, so the key is there while it runs.</param>
    /// <param name="perSecond">The rate.</param>
    /// <param name="duration">How long.</param>
    /// <param name="minimumConnections">At least this many connections (see <see cref="Plan"/>).</param>
    public static async Task<OpenLoopResult> RunAsync(Uri target, string? bodyFile, string? key, double perSecond, TimeSpan duration, int minimumConnections)
    {
        var requests = Math.Max(1, (long)Math.Round(perSecond * duration.TotalSeconds));
        var plan = Plan(perSecond, requests, minimumConnections);
        var log = Path.Combine(Path.GetTempPath(), $"bench-h2load-{Guid.NewGuid():N}.log");
        var start = new ProcessStartInfo("h2load") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var arguments = new List<string>
        {
            "--h1", "-t1", $"-c{plan.Connections}", $"-n{requests}",
            string.Create(CultureInfo.InvariantCulture, $"--rps={plan.PerConnection:0.######}"),
            // Rate mode: this many connections opened every period.
            $"-r{plan.OpenedPerPeriod}", $"--rate-period={plan.PeriodMilliseconds}ms",
            $"--log-file={log}", "-H", "content-type: application/json",
        };
        if (key is not null)
            arguments.AddRange(["-H", $"authorization: Bearer {key}"]);
        if (bodyFile is not null)
            arguments.Add($"--data={bodyFile}");
        arguments.Add(target.ToString());
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start h2load (scripts/install-bench-tools.sh installs it)");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"h2load exited with {process.ExitCode}: {await errors}{await output}");
            var (recorder, sentPerSecond) = ParseLog(await File.ReadAllLinesAsync(log));
            return new OpenLoopResult(recorder, perSecond, sentPerSecond);
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>
    /// How h2load is run for <paramref name="perSecond"/> in all and <paramref name="requests"/> requests: enough connections
    /// that none is given more than <see cref="MaxPerConnection"/> a second, and at least <paramref name="minimumConnections"/>
    /// (the bench gives twice the callers of the best closed loop, so a connection's interval is long beside the path's
    /// latency at half load, and a request is seldom due while its connection still waits for an answer), but no more
    /// than one per four requests; the connections opened evenly across one tick of their timer (1/rate per connection),
    /// in groups each millisecond when there are more connections than milliseconds in a tick.
    /// </summary>
    public static H2LoadPlan Plan(double perSecond, long requests, int minimumConnections)
    {
        var connections = (int)Math.Clamp(Math.Max(Math.Ceiling(perSecond / MaxPerConnection), minimumConnections), 1, Math.Max(1, requests / 4));
        var perConnection = perSecond / connections;
        var tickMilliseconds = 1000 / perConnection;
        return connections <= tickMilliseconds
            ? new H2LoadPlan(connections, perConnection, 1, Math.Max(1, (int)(tickMilliseconds / connections)))
            : new H2LoadPlan(connections, perConnection, (int)Math.Ceiling(connections / tickMilliseconds), 1);
    }

    /// <summary>
    /// Reads h2load's log file: one request a line, tab-separated, start time (µs since the epoch), HTTP status (-1
    /// when the request failed before an answer), µs until the end of the response. 2xx is a success. The rate at which
    /// requests were sent is the number of requests after the first over the time from the first start to the last.
    /// </summary>
    public static (LatencyRecorder Latencies, double SentPerSecond) ParseLog(IEnumerable<string> lines)
    {
        var recorder = new LatencyRecorder();
        var (first, last, count) = (long.MaxValue, long.MinValue, 0L);
        foreach (var line in lines)
        {
            var fields = line.Split('\t');
            if (fields.Length < 3)
                continue;
            var started = long.Parse(fields[0], CultureInfo.InvariantCulture);
            (first, last, count) = (Math.Min(first, started), Math.Max(last, started), count + 1);
            var status = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (status is >= 200 and < 300)
                recorder.Record(TimeSpan.FromMicroseconds(long.Parse(fields[2], CultureInfo.InvariantCulture)));
            else
                recorder.Fail();
        }

        return (recorder, count > 1 && last > first ? (count - 1) * 1e6 / (last - first) : 0);
    }
}

/// <summary>How h2load runs one open loop.</summary>
/// <param name="Connections">Connections (h2load's clients).</param>
/// <param name="PerConnection">Requests a second each connection sends (<c>--rps</c>).</param>
/// <param name="OpenedPerPeriod">Connections opened every period (<c>-r</c>).</param>
/// <param name="PeriodMilliseconds">The period between openings (<c>--rate-period</c>).</param>
public sealed record H2LoadPlan(int Connections, double PerConnection, int OpenedPerPeriod, int PeriodMilliseconds);
