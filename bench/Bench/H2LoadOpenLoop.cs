using System.Diagnostics;
using System.Globalization;

namespace Bench;

/// <summary>
/// The open loop over HTTP, run by <c>h2load</c> (Debian's nghttp2-client, installed by
/// <c>scripts/install-bench-tools.sh</c>) in HTTP/1.1: enough connections that each sends at most
/// <see cref="MaxPerConnection"/> requests a second, each on its own timer (<c>--rps</c>), the connections opened one
/// millisecond group at a time so their timers do not all fire together. h2load writes every request's status and
/// latency to a log file (<c>--log-file</c>), from which the percentiles are taken.
/// </summary>
public static class H2LoadOpenLoop
{
    /// <summary>
    /// The most requests per second one connection is given: h2load's rate timer ticks every max(10 ms, 1/rate), so at
    /// this rate or below each tick sends one request, and a connection has 10 ms to answer before its next is due.
    /// </summary>
    public const int MaxPerConnection = 100;

    /// <summary>POSTs <paramref name="bodyFile"/> to <paramref name="target"/> at <paramref name="perSecond"/> requests a second for <paramref name="duration"/>.</summary>
    /// <param name="target">The URL.</param>
    /// <param name="bodyFile">The body of every request, or null for GET.</param>
    /// <param name="key">The bearer key, or null. h2load takes headers only on its command line, so the key is there while it runs.</param>
    /// <param name="perSecond">The rate.</param>
    /// <param name="duration">How long.</param>
    public static async Task<OpenLoopResult> RunAsync(Uri target, string? bodyFile, string? key, double perSecond, TimeSpan duration)
    {
        var (connections, perConnection) = Connections(perSecond);
        var requests = (long)Math.Round(perSecond * duration.TotalSeconds);
        var log = Path.Combine(Path.GetTempPath(), $"bench-h2load-{Guid.NewGuid():N}.log");
        var start = new ProcessStartInfo("h2load") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var arguments = new List<string>
        {
            "--h1", "-t1", $"-c{connections}", $"-n{Math.Max(requests, connections)}",
            string.Create(CultureInfo.InvariantCulture, $"--rps={perConnection:0.###}"),
            // Connections opened in groups each millisecond (h2load's rate mode), spreading their timers over the first tick.
            $"-r{Math.Max(1, (int)Math.Ceiling(connections / Math.Min(10.0, 1000.0 / perConnection)))}", "--rate-period=1ms",
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

    /// <summary>How many connections, and how many requests a second each, for <paramref name="perSecond"/> in all.</summary>
    public static (int Connections, double PerConnection) Connections(double perSecond)
    {
        var connections = Math.Max(1, (int)Math.Ceiling(perSecond / MaxPerConnection));
        return (connections, perSecond / connections);
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
