using System.Text;
using Modeling.Scoring;

namespace Bench;

/// <summary>
/// The online paths on the same model and the same flights: (a) ONNX Runtime in-process, (b) the naive
/// model-in-the-web-server, (c) the tensor API and (d) the raw-record API of a running platform. Each row: the closed
/// loop at 1, 8 and 32 callers (wrk for HTTP, threads for (a)) with the CPU time and allocations of every process read
/// before and after each run, then the open loop at half the best throughput (h2load for HTTP, spinning threads for (a)).
/// </summary>
public sealed class OnlineBenchmark(BenchData data, TimeSpan duration)
{
    /// <summary>Records per request of the rows.</summary>
    public static readonly int[] Sizes = [1, 100];

    private const int DistinctBodies = 200;
    private static readonly int[] CallerLevels = [1, 8, 32];
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    /// <summary>Row (a) at every size: the operation is one scoring call of <see cref="OnnxScorer"/> on rows already featurized.</summary>
    public async Task<IReadOnlyList<OnlineResult>> MeasureInProcessAsync()
    {
        using var scorer = OnnxScorer.Load(data.Bundle.Card, data.Bundle.Onnx);
        var subjects = new[] { CostSubject.BenchProcess("the bench's process (generator threads calling ONNX Runtime)", isLoadGenerator: false) };
        var results = new List<OnlineResult>();
        foreach (var size in Sizes)
        {
            Console.Error.WriteLine($"  {OnlinePaths.InProcess}, {size} record(s) per request");
            var rows = data.Records.Length;
            bool Score(int sequence)
            {
                var start = (sequence * size) % (rows - size);
                scorer.Score(data.Features.AsMemory(start * data.Width, size * data.Width), new ModelScore[size]);
                return true;
            }

            var errors = InProcessLoad.ClosedLoop(Score, 8, WarmUp).Errors;
            (ClosedLoopResult Run, int Callers, IReadOnlyList<HopCost> Costs)? best = null;
            foreach (var callers in CallerLevels)
            {
                var before = await CostReading.TakeAsync(subjects);
                var run = InProcessLoad.ClosedLoop(Score, callers, duration);
                var after = await CostReading.TakeAsync(subjects);
                errors += run.Errors;
                if (best is null || run.PerSecond > best.Value.Run.PerSecond)
                    best = (run, callers, HopCost.Between(subjects, before, after, run.Completed, size));
            }

            var halfLoad = InProcessLoad.OpenLoop(Score, best!.Value.Run.PerSecond / 2, duration);
            results.Add(new OnlineResult(OnlinePaths.InProcess, size, best.Value.Run.PerSecond, best.Value.Callers, halfLoad,
                errors + halfLoad.Latencies.Errors, best.Value.Costs, []));
        }

        return results;
    }

    /// <summary>Row (b) at every size: the naive server runs in the bench's process, so that process is its cost.</summary>
    public async Task<IReadOnlyList<OnlineResult>> MeasureNaiveAsync(Uri naiveServer)
    {
        var subjects = new[] { CostSubject.ChildGenerator("load generator (wrk)"), CostSubject.BenchProcess("naive server (the bench's process)", isLoadGenerator: false) };
        var results = new List<OnlineResult>();
        foreach (var size in Sizes)
            results.Add(await MeasureHttpAsync(OnlinePaths.Naive, size, new Uri(naiveServer, "/predict"), start => data.RawBody(start, size), null, subjects, []));
        return results;
    }

    /// <summary>
    /// Rows (c) and (d) at every size against the platform whose gateway is <paramref name="gateway"/>: its processes are
    /// found on this machine (<see cref="PlatformProcesses"/>); the rows are labelled embedded when the gateway's process
    /// is the embedded host.
    /// </summary>
    public async Task<IReadOnlyList<OnlineResult>> MeasurePlatformAsync(Uri gateway, string key, HttpClient metricsClient)
    {
        var platform = PlatformProcesses.Find(gateway);
        Console.Error.WriteLine($"  measuring {string.Join(", ", platform.Processes.Select(process => $"{process.Name} (pid {process.Pid})"))}");
        foreach (var missing in platform.NotFound)
            Console.Error.WriteLine($"  not measured: {missing}");
        var subjects = new[] { CostSubject.ChildGenerator("load generator (wrk)") }.Concat(platform.Processes.Select(process => CostSubject.Of(process, metricsClient))).ToList();
        var model = data.Bundle.Card.Name;
        var results = new List<OnlineResult>();
        foreach (var size in Sizes)
        {
            results.Add(await MeasureHttpAsync(platform.Embedded ? OnlinePaths.TensorEmbedded : OnlinePaths.Tensor, size,
                new Uri(gateway, $"/v2/models/{model}/infer"), start => data.TensorBody(start, size), key, subjects, platform.NotFound));
            results.Add(await MeasureHttpAsync(platform.Embedded ? OnlinePaths.RawEmbedded : OnlinePaths.Raw, size,
                new Uri(gateway, $"/api/v1/models/{model}/predict"), start => data.RawBody(start, size), key, subjects, platform.NotFound));
        }

        return results;
    }

    /// <summary>
    /// Each generator against a target that does nothing, at the rate of the busiest open loop it ran: h2load against
    /// the naive server's <c>GET /health</c>, the in-process loop calling an empty function.
    /// </summary>
    public async Task<IReadOnlyList<GeneratorFloor>> MeasureFloorsAsync(Uri naiveServer, IReadOnlyList<OnlineResult> results)
    {
        var floors = new List<GeneratorFloor>();
        var busiest = results.Where(result => result.Path != OnlinePaths.InProcess).MaxBy(result => result.HalfLoad.TargetPerSecond);
        if (busiest is not null)
        {
            Console.Error.WriteLine("  the floor of h2load");
            floors.Add(new GeneratorFloor("h2load (HTTP/1.1)", "naive server, GET /health", await H2LoadOpenLoop.RunAsync(new Uri(naiveServer, "/health"), null, null, busiest.HalfLoad.TargetPerSecond, duration, 2 * busiest.Callers)));
        }

        var inProcess = results.Where(result => result.Path == OnlinePaths.InProcess).Select(result => result.HalfLoad.TargetPerSecond).DefaultIfEmpty(0).Max();
        if (inProcess > 0)
        {
            Console.Error.WriteLine("  the floor of the in-process loop");
            floors.Add(new GeneratorFloor("in-process open loop (spinning threads)", "an empty call", InProcessLoad.OpenLoop(_ => true, inProcess, duration)));
        }

        return floors;
    }

    private async Task<OnlineResult> MeasureHttpAsync(
        string path, int size, Uri target, Func<int, string> body, string? key, IReadOnlyList<CostSubject> subjects, IReadOnlyList<string> notMeasured)
    {
        Console.Error.WriteLine($"  {path}, {size} record(s) per request");
        var bodies = Path.Combine(Path.GetTempPath(), $"bench-bodies-{Guid.NewGuid():N}.jsonl");
        var first = Path.Combine(Path.GetTempPath(), $"bench-body-{Guid.NewGuid():N}.json");
        try
        {
            // One body a line (JSON has no raw line breaks) for wrk; the first of them alone for h2load, which sends one body.
            var lines = Enumerable.Range(0, DistinctBodies).Select(index => body(index * 37)).ToList();
            await File.WriteAllLinesAsync(bodies, lines);
            await File.WriteAllTextAsync(first, lines[0], new UTF8Encoding(false));
            var errors = (await WrkLoad.RunAsync(target, bodies, key, 8, WarmUp)).Errors;
            (ClosedLoopResult Run, int Callers, IReadOnlyList<HopCost> Costs)? best = null;
            ClosedLoopResult? oneCaller = null;
            foreach (var callers in CallerLevels)
            {
                var before = await CostReading.TakeAsync(subjects);
                var run = await WrkLoad.RunAsync(target, bodies, key, callers, duration);
                var after = await CostReading.TakeAsync(subjects);
                errors += run.Errors;
                if (callers == 1)
                    oneCaller = run;
                if (best is null || run.PerSecond > best.Value.Run.PerSecond)
                    best = (run, callers, HopCost.Between(subjects, before, after, run.Completed, size));
            }

            var halfLoad = await H2LoadOpenLoop.RunAsync(target, first, key, Math.Max(1, best!.Value.Run.PerSecond / 2), duration, 2 * best.Value.Callers);
            return new OnlineResult(path, size, best.Value.Run.PerSecond, best.Value.Callers, halfLoad, errors + halfLoad.Latencies.Errors, best.Value.Costs, notMeasured)
            {
                OneCaller = oneCaller,
            };
        }
        finally
        {
            File.Delete(bodies);
            File.Delete(first);
        }
    }
}
