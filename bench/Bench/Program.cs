using Bench;

// bench online [--duration SECONDS] [--gateway URL [--key KEY]] [--models FOLDER]
//   Measures the online paths (see OnlineBenchmark) and prints the Markdown report; with --output FILE it also writes
//   it there. Without --gateway it starts the distributed mode (scripts/run-distributed.sh), then the embedded default
//   (deploy/Embedded, as scripts/run.sh does), each with its own admin key; with --gateway it measures that platform
//   only, with --key, by default the key in .data/store/admin-key. wrk and h2load must be on PATH
//   (scripts/install-bench-tools.sh).
// bench batch [--models FOLDER]
//   Scores flights-3m.parquet as one batch in the distributed mode and raw in-process (see BatchBenchmark).
// bench reference [--models FOLDER]
//   Builds a reference from 100,000 flights as the registry does with a version's reference file (see ReferenceBenchmark).
if (args is not ["online" or "batch" or "reference", ..])
{
    Console.Error.WriteLine("usage: bench online [--duration SECONDS] [--gateway URL [--key KEY]] [--models FOLDER] [--output FILE] | bench batch [--models FOLDER] [--output FILE] | bench reference [--models FOLDER] [--output FILE]");
    return 2;
}

var options = args.Skip(1).Chunk(2).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
var root = RepositoryRoot();
if (args[0] == "reference")
{
    var referenceReport = await ReferenceBenchmark.RunAsync(options.GetValueOrDefault("--models", Path.Combine(root, ".data", "models")), "./scripts/bench.sh reference");
    Console.WriteLine(referenceReport);
    if (options.TryGetValue("--output", out var referenceOutput))
        await File.WriteAllTextAsync(referenceOutput, referenceReport);
    return 0;
}

if (args[0] == "batch")
{
    var batchModels = options.GetValueOrDefault("--models", Path.Combine(root, ".data", "models"));
    var batchReport = await BatchBenchmark.RunAsync(root, batchModels, "./scripts/bench.sh batch");
    Console.WriteLine(batchReport);
    if (options.TryGetValue("--output", out var batchOutput))
        await File.WriteAllTextAsync(batchOutput, batchReport);
    return 0;
}

var duration = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("--duration", "4"), System.Globalization.CultureInfo.InvariantCulture));
var models = options.GetValueOrDefault("--models", Path.Combine(root, ".data", "models"));

var loadAtStart = BenchReport.LoadAverage();
Console.Error.WriteLine("reading the flights and the model");
var data = await BenchData.LoadAsync(Path.Combine(models, "flight-delay", "1"), 10_000);
await using var naive = await NaiveModelServer.StartAsync(data.Bundle);
using var metricsClient = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
var bench = new OnlineBenchmark(data, duration);
var results = new List<OnlineResult>();
// The event path: requests published on platform.ingest (enough for several seconds at the target rate).
const int EventPathRequests = 50_000;
EventPathResult? eventPath = null;
IReadOnlyList<HopResult> hops = [];

Console.Error.WriteLine("measuring ONNX Runtime in-process and the naive server");
results.AddRange(await bench.MeasureInProcessAsync());
results.AddRange(await bench.MeasureNaiveAsync(naive.Address));
if (options.TryGetValue("--gateway", out var given))
{
    var keyFile = Path.Combine(root, ".data", "store", "admin-key");
    var key = options.GetValueOrDefault("--key") ?? (File.Exists(keyFile) ? File.ReadAllText(keyFile).Trim()
        : throw new InvalidOperationException($"give the platform's key with --key (no {keyFile})"));
    Console.Error.WriteLine($"measuring the platform at {given}");
    results.AddRange(await bench.MeasurePlatformAsync(new Uri(given), key, metricsClient));
}
else
{
    Console.Error.WriteLine("starting the distributed mode (scripts/run-distributed.sh)");
    using (var system = await DistributedSystemProcess.StartAsync(root, models, 5400))
    {
        results.AddRange(await bench.MeasurePlatformAsync(system.Gateway, system.AdminKey, metricsClient));
        Console.Error.WriteLine("  the event path (platform.ingest to platform.events)");
        var subjects = new[] { CostSubject.BenchProcess("the bench's process (the caller)", isLoadGenerator: true) }
            .Concat(PlatformProcesses.Find(system.Gateway).Processes.Select(process => CostSubject.Of(process, metricsClient))).ToList();
        await EventPathBenchmark.RunAsync(system, data, 2_000, subjects);
        eventPath = await EventPathBenchmark.RunAsync(system, data, EventPathRequests, subjects);
        // The replicas' gRPC ports, as scripts/run-distributed.sh gives them: its base port + 10 and + 11.
        hops = await HopBenchmark.RunAsync(system, data, system.AdminKey, [new Uri("http://127.0.0.1:5411"), new Uri("http://127.0.0.1:5412")], subjects, duration);
    }
    Console.Error.WriteLine("starting the embedded default (deploy/Embedded, as scripts/run.sh)");
    using (var embedded = await EmbeddedHostProcess.StartAsync(root, models, 5430))
        results.AddRange(await bench.MeasurePlatformAsync(embedded.Address, embedded.AdminKey, metricsClient));
}

Console.Error.WriteLine("measuring the load generators' floor");
var floors = await bench.MeasureFloorsAsync(naive.Address, results);
var shown = options.Where(option => option.Key is not "--output" and not "--key").SelectMany(option => new[] { option.Key, option.Value });
var ordered = results.OrderBy(result => result.BatchSize).ThenBy(result => Array.IndexOf(OnlinePaths.Order, result.Path)).ToList();
var report = BenchReport.Of(("./scripts/bench.sh online " + string.Join(' ', shown)).Trim(), ordered, floors, duration, loadAtStart, eventPath, hops);
Console.WriteLine(report);
if (options.TryGetValue("--output", out var output))
    await File.WriteAllTextAsync(output, report);
return 0;

static string RepositoryRoot()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "Microservices.sln")))
            return folder.FullName;
    }

    throw new InvalidOperationException("run the bench from inside the repository");
}
