using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Bench;

/// <summary>
/// The Markdown report of a run: command, machine, method, the table, the issue's targets checked, the cost of each
/// hop per path and the load generators' floor.
/// </summary>
public static class BenchReport
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>The report of <paramref name="results"/> (in table order) and <paramref name="floors"/>.</summary>
    /// <param name="command">The command as run.</param>
    /// <param name="results">The rows.</param>
    /// <param name="floors">The generators' floor.</param>
    /// <param name="duration">Each run's duration.</param>
    /// <param name="loadAtStart">The machine's one-minute load average when the bench started (<c>/proc/loadavg</c>).</param>
    /// <param name="eventPath">The event path's run, when the distributed mode was measured.</param>
    /// <param name="hops">The synchronous hop to Inference both ways, when the distributed mode was measured.</param>
    public static string Of(
        string command, IReadOnlyList<OnlineResult> results, IReadOnlyList<GeneratorFloor> floors, TimeSpan duration, string loadAtStart, EventPathResult? eventPath = null, IReadOnlyList<HopResult>? hops = null)
    {
        var text = new StringBuilder();
        var seconds = duration.TotalSeconds.ToString("0.#", Culture);
        var loadAtEnd = LoadAverage();
        var busy = new[] { loadAtStart, loadAtEnd }.Any(load => double.Parse(load, Culture) > Environment.ProcessorCount);
        text.AppendLine("# Online prediction benchmark").AppendLine();
        text.AppendLine(Culture, $"Command: `{command}` · run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC").AppendLine();
        text.AppendLine(Culture, $"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}. ")
            .AppendLine("The load generator, RabbitMQ and the seven service processes of the distributed mode (or the embedded host) share these cores. ")
            .Append(Culture, $"Load average (1 min): {loadAtStart} when the bench started, {loadAtEnd} when it ended")
            .AppendLine(busy ? $" (above the {Environment.ProcessorCount} cores: other work shared the machine, and the figures are noisy)." : ".").AppendLine();
        text.AppendLine(Culture, $"Method (below): the same model (the bootstrap `flight-delay` bundle) and the same February 2001 flights on every path. Throughput: closed loop, the best of 1, 8 and 32 concurrent callers, {seconds} s each after a 1 s warm-up (wrk for HTTP). Latency: open loop at half that throughput for {seconds} s (h2load for HTTP, no coordinated omission for (a)), and the closed loop of one caller (HTTP paths). The CPU time and allocations of every process per prediction, and the generators' own floor, follow the targets.").AppendLine();
        text.AppendLine("| path | records/request | requests/s | records/s | callers | p50 at half load (ms) | p99 at half load (ms) | errors |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in results)
        {
            text.AppendLine(Culture,
                $"| {result.Path} | {result.BatchSize} | {result.RequestsPerSecond:0} | {result.RecordsPerSecond:0} | {result.Callers} | {result.HalfLoadP50:0.00} | {result.HalfLoadP99:0.00} | {result.Errors} |");
        }

        foreach (var result in results.Where(result => result.HalfLoad.SentPercent < 95))
            text.AppendLine().Append(Culture, $"Open loop of {result.Path}, {result.BatchSize} record(s): sent at {result.HalfLoad.SentPerSecond:0} req/s of the {result.HalfLoad.TargetPerSecond:0} asked ({result.HalfLoad.SentPercent:0}%): the generator held requests back, and their wait is not in the latencies.").AppendLine();

        AppendTargets(text, results, eventPath);
        AppendOneCaller(text, results);
        AppendCosts(text, results);
        if (eventPath is not null)
            AppendEventPath(text, eventPath);
        if (hops is { Count: > 0 })
            AppendHops(text, hops);
        AppendFloors(text, floors);
        text.AppendLine().Append(BenchMethod.Markdown).AppendLine();
        return text.ToString();
    }

    // The targets of the issue that asked for them: shares of (b)'s throughput by mode, path and request size; (d)'s p99 at
    // half of its maximum load; the event path's rate.
    private static void AppendTargets(StringBuilder text, IReadOnlyList<OnlineResult> results, EventPathResult? eventPath)
    {
        text.AppendLine().AppendLine("## Targets").AppendLine();
        text.AppendLine("Why those not met are not, from the costs below: [architecture.md](architecture.md#the-performance-targets-met-or-why-not).").AppendLine();
        foreach (var size in results.Select(result => result.BatchSize).Distinct())
        {
            if (Find(results, OnlinePaths.Naive, size) is not { } naive)
                continue;
            foreach (var (path, name) in new[] { (OnlinePaths.Raw, "(d)"), (OnlinePaths.Tensor, "(c)"), (OnlinePaths.RawEmbedded, "(d) embedded"), (OnlinePaths.TensorEmbedded, "(c) embedded") })
            {
                if (Find(results, path, size) is not { } row)
                    continue;
                var raw = path is OnlinePaths.Raw or OnlinePaths.RawEmbedded;
                var target = ShareTarget(path, size);
                text.AppendLine(Culture, $"- {size} record(s) per request: {name} reaches {Share(row, naive):0}% of (b)'s throughput (target ≥ {target}%): **{Verdict(Share(row, naive) >= target)}**");
                if (raw)
                    text.AppendLine(Culture, $"- {size} record(s) per request: {name} p99 at half of its max load is {row.HalfLoadP99:0.00} ms (target ≤ 10 ms): **{Verdict(row.HalfLoadP99 <= 10)}**");
                if (AddedAtOneCaller(row, naive) is { } added)
                {
                    var limit = AddedLatencyTarget(path);
                    text.AppendLine(Culture, $"- {size} record(s) per request: {name} at one caller adds {added:0.00} ms to (b)'s p50 (target ≤ {limit.ToString(Culture)} ms): **{Verdict(added <= limit)}**");
                }
            }
        }

        if (eventPath is not null)
            text.AppendLine(Culture, $"- event path (`platform.ingest` to `platform.events`, distributed): {eventPath.PerSecond:0} predictions/s (target ≥ 10000): **{Verdict(eventPath.Answered == eventPath.Requests && eventPath.PerSecond >= 10_000)}**");
    }

    /// <summary>The latency a path may add to (b)'s median at one caller, ms: 0.5 embedded, 2 distributed.</summary>
    internal static double AddedLatencyTarget(string path) => path is OnlinePaths.RawEmbedded or OnlinePaths.TensorEmbedded ? 0.5 : 2;

    /// <summary>What <paramref name="row"/>'s median at one caller adds to <paramref name="naive"/>'s, ms; null when either was not measured.</summary>
    internal static double? AddedAtOneCaller(OnlineResult row, OnlineResult naive) =>
        row.OneCaller?.P50Ms is { } p50 && naive.OneCaller?.P50Ms is { } naiveP50 ? p50 - naiveP50 : null;

    // One caller alone: each request sent when the previous one was answered (wrk, one connection), so the latency is the
    // platform's with nothing queued before it.
    private static void AppendOneCaller(StringBuilder text, IReadOnlyList<OnlineResult> results)
    {
        var measured = results.Where(result => result.OneCaller?.P50Ms is not null).ToList();
        if (measured.Count == 0)
            return;
        text.AppendLine().AppendLine("## Latency at one caller").AppendLine();
        text.AppendLine("The closed loop of one connection (wrk): each request is sent when the previous one was answered, so nothing waits in a queue and the latency is the path's own. Added: the row's p50 minus (b)'s at the same size.").AppendLine();
        text.AppendLine("| path | records/request | requests/s | p50 (ms) | p99 (ms) | p50 added over (b) (ms) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in measured)
        {
            var naive = Find(results, OnlinePaths.Naive, result.BatchSize);
            var added = naive is null || result.Path == OnlinePaths.Naive ? null : AddedAtOneCaller(result, naive);
            text.AppendLine(Culture, $"| {result.Path} | {result.BatchSize} | {result.OneCaller!.PerSecond:0} | {result.OneCaller.P50Ms:0.00} | {result.OneCaller.P99Ms:0.00} | {Number(added)} |");
        }
    }

    /// <summary>The share of (b)'s throughput a path must reach: embedded (d) 50 %, (c) 70 %; distributed (d) 20 % of one record and 40 % of many, (c) 40 % and 60 %.</summary>
    internal static int ShareTarget(string path, int recordsPerRequest) => path switch
    {
        OnlinePaths.RawEmbedded => 50,
        OnlinePaths.TensorEmbedded => 70,
        OnlinePaths.Raw => recordsPerRequest == 1 ? 20 : 40,
        _ => recordsPerRequest == 1 ? 40 : 60,
    };

    private static void AppendHops(StringBuilder text, IReadOnlyList<HopResult> hops)
    {
        text.AppendLine().AppendLine("## The synchronous hop to Inference").AppendLine();
        text.AppendLine("From the bench's process to the distributed mode's two Inference replicas, one record's feature row per call: the MassTransit request/response over RabbitMQ that FeatureBuilder uses for the event path (`ScoreRequest`, as FeatureBuilder's broker user; online predictions used it before the gRPC hop), and a direct gRPC call over HTTP/2 (`ModelInfer`, raw contents, alternating between the replicas). Closed loop; CPU per call of each process (the bench's own process, the caller, left out of the total).").AppendLine();
        var processes = hops.SelectMany(hop => hop.Costs.Select(cost => cost.Process)).Distinct().ToList();
        text.Append("| hop | callers | calls/s | p50 (ms) | p99 (ms) | CPU µs per call, total |");
        text.AppendLine(string.Concat(processes.Select(process => $" {process} |")));
        text.Append("| --- | ---: | ---: | ---: | ---: | ---: |").AppendLine(string.Concat(processes.Select(_ => " ---: |")));
        foreach (var hop in hops)
        {
            text.Append(Culture, $"| {hop.Hop} | {hop.Callers} | {hop.CallsPerSecond:0} | {hop.P50Ms:0.00} | {hop.P99Ms:0.00} | {Number(HopCost.PlatformTotal(hop.Costs))} |");
            text.AppendLine(string.Concat(processes.Select(process => $" {Number(hop.Costs.FirstOrDefault(cost => cost.Process == process)?.CpuMicrosecondsPerPrediction)} |")));
        }
    }

    private static void AppendEventPath(StringBuilder text, EventPathResult run)
    {
        text.AppendLine().AppendLine("## Event path").AppendLine();
        text.AppendLine(Culture, $"{run.Requests} prediction requests published on `platform.ingest` (plain JSON, one record each) by the run's external broker user, as fast as the broker confirmed them (at most 1,000 unconfirmed); their predictions read from a queue of the bench's own bound to `platform.events`. {run.Answered} of {run.Requests} came back in {run.Elapsed.TotalSeconds:0.0} s from the first publish (the last publish was confirmed after {run.Published.TotalSeconds:0.0} s): **{run.PerSecond:0} predictions per second** end to end.").AppendLine();
        text.AppendLine("| process | CPU µs per prediction |").AppendLine("| --- | ---: |");
        foreach (var cost in run.Costs)
            text.AppendLine(Culture, $"| {cost.Process} | {Number(cost.CpuMicrosecondsPerPrediction)} |");
        text.AppendLine().AppendLine(Culture, $"Total CPU per prediction, the bench's process (publisher and reader) left out: {Number(HopCost.PlatformTotal(run.Costs))} µs");
    }

    private static void AppendCosts(StringBuilder text, IReadOnlyList<OnlineResult> results)
    {
        text.AppendLine().AppendLine("## Cost per hop").AppendLine();
        text.AppendLine("CPU time (user + system, from `/proc/<pid>/stat`) each process used during the closed-loop run that gave the row's throughput, divided by the predictions made (successful requests × records per request); managed bytes allocated per request, from each hot .NET process's `dotnet_gc_heap_total_allocated_bytes_total` on its `/metrics` (the bench's own process: its garbage collector). Background work of the processes during the run (timers, the Monitor's windows, publishing events) is included. The load generator is left out of the totals. A dash: not read.");
        var sizes = results.Select(result => result.BatchSize).Distinct().ToList();
        foreach (var path in results.Select(result => result.Path).Distinct())
        {
            var rows = sizes.Select(size => Find(results, path, size)).ToList();
            text.AppendLine().AppendLine(Culture, $"### {path}").AppendLine();
            text.Append("| process |");
            foreach (var size in sizes)
                text.Append(Culture, $" CPU µs per prediction, {size} record(s)/request | KB allocated per request, {size} record(s)/request |");
            text.AppendLine().Append("| --- |").AppendLine(string.Concat(sizes.Select(_ => " ---: | ---: |")));
            var processes = rows.Where(row => row is not null).SelectMany(row => row!.Costs.Select(cost => cost.Process)).Distinct();
            foreach (var process in processes)
            {
                text.Append(Culture, $"| {process} |");
                foreach (var row in rows)
                {
                    var cost = row?.Costs.FirstOrDefault(candidate => candidate.Process == process);
                    text.Append(Culture, $" {Number(cost?.CpuMicrosecondsPerPrediction)} | {Number(cost?.AllocatedKilobytesPerRequest)} |");
                }

                text.AppendLine();
            }

            text.AppendLine().Append("Total CPU per prediction, load generator left out:");
            text.AppendLine(string.Join(";", rows.Where(row => row is not null).Select(row => TotalText(row!, Find(results, OnlinePaths.Naive, row!.BatchSize))))) ;
            foreach (var missing in rows.Where(row => row is not null).SelectMany(row => row!.NotMeasured).Distinct())
                text.AppendLine().Append("Not measured: ").AppendLine(missing);
        }
    }

    private static string TotalText(OnlineResult row, OnlineResult? naive)
    {
        var total = HopCost.PlatformTotal(row.Costs);
        var naiveTotal = naive is null ? null : HopCost.PlatformTotal(naive.Costs);
        var text = string.Create(Culture, $" {row.BatchSize} record(s)/request {Number(total)} µs");
        return row.Path != OnlinePaths.Naive && total is { } value && naiveTotal is { } baseline && baseline > 0
            ? text + string.Create(Culture, $" ({value / baseline:0.0}× (b)'s {baseline:0.0} µs)")
            : text;
    }

    private static void AppendFloors(StringBuilder text, IReadOnlyList<GeneratorFloor> floors)
    {
        text.AppendLine().AppendLine("## The load generators' floor").AppendLine();
        text.AppendLine("Each open-loop generator against a target that does nothing, at the rate of the busiest open loop it ran above: the latency it adds by itself. A row's p50 and p99 above this floor are the platform's.").AppendLine();
        text.AppendLine("| generator | target | rate asked (req/s) | rate sent (req/s) | p50 (ms) | p99 (ms) | errors |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var floor in floors)
        {
            var result = floor.Result;
            text.AppendLine(Culture, $"| {floor.Generator} | {floor.Target} | {result.TargetPerSecond:0} | {result.SentPerSecond:0} | {result.Latencies.Percentile(0.5):0.000} | {result.Latencies.Percentile(0.99):0.000} | {result.Latencies.Errors} |");
        }
    }

    /// <summary>The machine's one-minute load average, the first field of <c>/proc/loadavg</c>.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static OnlineResult? Find(IReadOnlyList<OnlineResult> results, string path, int size) =>
        results.FirstOrDefault(result => result.BatchSize == size && result.Path == path);

    private static double Share(OnlineResult part, OnlineResult whole) => 100 * part.RequestsPerSecond / whole.RequestsPerSecond;

    private static string Number(double? value) => value is { } number ? number.ToString(number < 10 ? "0.00" : "0.0", Culture) : "—";

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}
