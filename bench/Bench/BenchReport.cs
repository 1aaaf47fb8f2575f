using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Bench;

/// <summary>The Markdown report of a run: command, machine, the table, and the targets checked.</summary>
public static class BenchReport
{
    /// <summary>The report of <paramref name="results"/>.</summary>
    public static string Of(string command, IReadOnlyList<OnlineResult> results, TimeSpan duration)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine("# Online prediction benchmark").AppendLine();
        text.AppendLine(culture, $"Command: `{command}` · run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC").AppendLine();
        text.AppendLine(culture, $"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}. ")
            .AppendLine("The load generator, RabbitMQ and the seven service processes of the distributed mode share these cores.").AppendLine();
        text.AppendLine(culture, $"Method: the same model (the bootstrap `flight-delay` bundle) and the same February 2001 flights on every path. Throughput: closed loop, the best of 1, 8 and 32 concurrent callers, {duration.TotalSeconds:0} s each after a 1 s warm-up. Latency: open loop at half that throughput for {duration.TotalSeconds:0} s, each request timed from when it was due (no coordinated omission).").AppendLine();
        text.AppendLine("| path | records/request | requests/s | records/s | callers | p50 at half load (ms) | p99 at half load (ms) | errors |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in results)
        {
            text.AppendLine(culture,
                $"| {result.Path} | {result.BatchSize} | {result.RequestsPerSecond:0} | {result.RecordsPerSecond:0} | {result.Callers} | {result.HalfLoadP50:0.00} | {result.HalfLoadP99:0.00} | {result.Errors} |");
        }

        text.AppendLine().AppendLine("## Targets").AppendLine();
        foreach (var size in results.Select(result => result.BatchSize).Distinct())
        {
            var naive = Find(results, "(b)", size);
            var tensor = Find(results, "(c)", size);
            var raw = Find(results, "(d)", size);
            text.AppendLine(culture, $"- {size} record(s) per request: (d) reaches {Share(raw, naive):0}% of (b)'s throughput (target ≥ 40%): **{Verdict(Share(raw, naive) >= 40)}**");
            text.AppendLine(culture, $"- {size} record(s) per request: (d) p99 at half of its max load is {raw.HalfLoadP99:0.00} ms (target ≤ 10 ms): **{Verdict(raw.HalfLoadP99 <= 10)}**");
            text.AppendLine(culture, $"- {size} record(s) per request: (c) reaches {Share(tensor, naive):0}% of (b)'s throughput (target ≥ 80%): **{Verdict(Share(tensor, naive) >= 80)}**");
        }

        return text.ToString();
    }

    private static OnlineResult Find(IReadOnlyList<OnlineResult> results, string path, int size) =>
        results.Single(result => result.BatchSize == size && result.Path.StartsWith(path, StringComparison.Ordinal));

    private static double Share(OnlineResult part, OnlineResult whole) => 100 * part.RequestsPerSecond / whole.RequestsPerSecond;

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}
