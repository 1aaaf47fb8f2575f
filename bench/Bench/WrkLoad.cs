using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Bench;

/// <summary>
/// The closed loop over HTTP, run by <c>wrk</c> (Debian's package, installed by <c>scripts/install-bench-tools.sh</c>):
/// one thread, N connections, each sending its next POST as soon as the previous answer has arrived, the bodies of a
/// file in turn and the bearer key (<c>wrk-post.lua</c>, which prints the line <see cref="Parse"/> reads).
/// </summary>
public static partial class WrkLoad
{
    /// <summary>Runs wrk against <paramref name="target"/> for <paramref name="duration"/> with <paramref name="connections"/> connections.</summary>
    /// <param name="target">The URL POSTed to.</param>
    /// <param name="bodiesFile">One JSON body a line, sent in turn.</param>
    /// <param name="key">The bearer key, or null; given to the script in the environment, so it is on no command line.</param>
    /// <param name="connections">Concurrent connections (callers).</param>
    /// <param name="duration">How long.</param>
    public static async Task<ClosedLoopResult> RunAsync(Uri target, string bodiesFile, string? key, int connections, TimeSpan duration)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "-t1", $"-c{connections}", string.Create(CultureInfo.InvariantCulture, $"-d{Math.Max(1, (int)Math.Round(duration.TotalSeconds))}s"),
            "--timeout", "30s", "-s", Path.Combine(AppContext.BaseDirectory, "wrk-post.lua"), target.ToString(), "--", bodiesFile,
        })
            start.ArgumentList.Add(argument);
        start.Environment["BENCH_KEY"] = key ?? "";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start wrk (scripts/install-bench-tools.sh installs it)");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {await errors}{await output}");
        return Parse(await output);
    }

    /// <summary>
    /// Reads the line <c>wrk-post.lua</c> prints at the end: <c>bench-result requests=N duration_us=D connect=C read=R write=W
    /// status=S timeout=T p50_us=P p99_us=Q</c>. wrk counts in <c>requests</c> every answer, of any status; <c>status</c> those of
    /// 400 and above; the others are socket errors and timeouts, which are not answers. The percentiles are of the answers' latencies.
    /// </summary>
    public static ClosedLoopResult Parse(string output)
    {
        var match = ResultLine().Match(output);
        if (!match.Success)
            throw new FormatException($"wrk printed no bench-result line: {output}");
        long Field(string name) => long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
        var answered = Field("requests");
        var failedStatus = Field("status");
        return new ClosedLoopResult(
            answered - failedStatus,
            failedStatus + Field("connect") + Field("read") + Field("write") + Field("timeout"),
            Field("duration") / 1e6)
        {
            P50Ms = Field("p50") / 1e3,
            P99Ms = Field("p99") / 1e3,
        };
    }

    [GeneratedRegex(@"bench-result requests=(?<requests>\d+) duration_us=(?<duration>\d+) connect=(?<connect>\d+) read=(?<read>\d+) write=(?<write>\d+) status=(?<status>\d+) timeout=(?<timeout>\d+) p50_us=(?<p50>\d+) p99_us=(?<p99>\d+)")]
    private static partial Regex ResultLine();
}
