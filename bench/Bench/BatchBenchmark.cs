using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Modeling.Bundles;
using Modeling.Features;
using Modeling.Flights;
using Modeling.Scoring;

namespace Bench;

/// <summary>
/// The whole <c>flights-3m.parquet</c> as one batch in the distributed mode, from the start of the upload
/// through the gateway to the last row stored, next to raw ONNX Runtime scoring of the same rows in this
/// process, with the peak memory of every service.
/// </summary>
public static class BatchBenchmark
{
    private const int ChunkSize = 5000;

    /// <summary>Runs both measurements and returns the Markdown report.</summary>
    public static async Task<string> RunAsync(string root, string models, string command)
    {
        var flights = DemoData.RequireFlightsFile();
        var read = await ModelBundle.ReadAsync(Path.Combine(models, "flight-delay", "1"), CancellationToken.None);
        var bundle = read.Bundle ?? throw new InvalidOperationException(string.Join("; ", read.Errors));

        Console.Error.WriteLine("raw ONNX Runtime: featurizing and scoring every row in this process");
        var (rows, featurizeSeconds, scoreSeconds) = await ScoreRawAsync(bundle, flights);

        Console.Error.WriteLine("starting the distributed mode (scripts/run-distributed.sh)");
        const int GatewayPort = 5450;
        using var system = await DistributedSystemProcess.StartAsync(root, models, GatewayPort);
        Console.Error.WriteLine("uploading flights-3m.parquet through the gateway as one batch");
        // The first batch after start also pays for JIT compilation and the first connections; the second
        // shows the steady state. Both are reported, and the targets are checked on both.
        var (cold, coldStatus) = await RunBatchAsync(system.Gateway, system.AdminKey, flights);
        Console.Error.WriteLine("uploading it again (warm)");
        var before = DistributedSystemProcess.Usage(GatewayPort);
        var (warm, warmStatus) = await RunBatchAsync(system.Gateway, system.AdminKey, flights);
        var after = DistributedSystemProcess.Usage(GatewayPort);

        var rawRate = rows / scoreSeconds;
        var coldRate = Scored(coldStatus) / cold.TotalSeconds;
        var warmRate = Scored(warmStatus) / warm.TotalSeconds;
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# Batch prediction benchmark").AppendLine();
        text.AppendLine(culture, $"Command: `{command}` · run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC").AppendLine();
        text.AppendLine(culture, $"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}. ")
            .AppendLine("RabbitMQ and the seven service processes of the distributed mode (two Inference replicas) share these cores.").AppendLine();
        text.AppendLine(culture, $"Input: `flights-3m.parquet` ({new FileInfo(flights).Length / 1e6:0.0} MB, {rows:N0} rows), the bootstrap `flight-delay` model, chunks of {ChunkSize} rows.").AppendLine();
        text.AppendLine("| path | rows | seconds | rows/s |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        text.AppendLine(culture, $"| raw ONNX Runtime, in-process, features ready, chunks of {ChunkSize}, {Environment.ProcessorCount} at a time | {rows:N0} | {scoreSeconds:0.00} | {rawRate:N0} |");
        text.AppendLine(culture, $"| featurizing the same rows in-process (reference) | {rows:N0} | {featurizeSeconds:0.00} | {rows / featurizeSeconds:N0} |");
        text.AppendLine(culture, $"| end to end, first batch after start: upload through the gateway → FeatureBuilder → RabbitMQ → 2 Inference replicas → results stored | {Scored(coldStatus):N0} | {cold.TotalSeconds:0.00} | {coldRate:N0} |");
        text.AppendLine(culture, $"| end to end, the same file again | {Scored(warmStatus):N0} | {warm.TotalSeconds:0.00} | {warmRate:N0} |");
        text.AppendLine().AppendLine("Peak resident memory (VmHWM, since the process started, so over both batches) and CPU time spent during the second batch, per process:").AppendLine();
        text.AppendLine("| process | peak MB | CPU seconds during the batch |").AppendLine("| --- | ---: | ---: |");
        foreach (var (name, used) in after)
        {
            var cpu = used.CpuSeconds - (before.TryGetValue(name, out var start) ? start.CpuSeconds : 0);
            text.AppendLine(culture, $"| {name} | {used.PeakBytes / 1e6:0} | {cpu:0.0} |");
        }
        text.AppendLine().AppendLine("## Targets").AppendLine();
        foreach (var (name, rate) in new[] { ("first batch", coldRate), ("second batch", warmRate) })
        {
            text.AppendLine(culture, $"- {name}: end to end {rate:N0} rows/s (target ≥ 100,000): **{(rate >= 100_000 ? "met" : "NOT met")}**");
            text.AppendLine(culture, $"- {name}: end to end is {100 * rate / rawRate:0.0}% of the raw rate (target ≥ 80%): **{(rate >= 0.8 * rawRate ? "met" : "NOT met")}**");
        }
        return text.ToString();
    }

    private static long Scored(JsonElement status) => status.GetProperty("rows").GetProperty("scored").GetInt64();

    private static async Task<(long Rows, double FeaturizeSeconds, double ScoreSeconds)> ScoreRawAsync(ModelBundle bundle, string flights)
    {
        var featurizer = Featurizer.Create(bundle.Card);
        var width = featurizer.Width;
        var chunks = new List<float[]>();
        var chunk = new float[ChunkSize * width];
        var inChunk = 0;
        long rows = 0;
        var featurizing = Stopwatch.StartNew();
        await foreach (var flight in FlightsParquetReader.ReadAsync(flights))
        {
            if (!featurizer.Featurize(flight, chunk.AsSpan(inChunk * width, width)).IsValid)
                continue;
            rows++;
            if (++inChunk == ChunkSize)
            {
                chunks.Add(chunk);
                chunk = new float[ChunkSize * width];
                inChunk = 0;
            }
        }

        if (inChunk > 0)
            chunks.Add(chunk[..(inChunk * width)]);
        featurizing.Stop();

        using var scorer = OnnxScorer.Load(bundle.Card, bundle.Onnx);
        scorer.Score(chunks[0], new ModelScore[chunks[0].Length / width]);
        // As many chunks at once as there are cores, the best this machine does with one session.
        var scoring = Stopwatch.StartNew();
        Parallel.ForEach(chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, features =>
            scorer.Score(features, new ModelScore[features.Length / width]));
        scoring.Stop();
        return (rows, featurizing.Elapsed.TotalSeconds, scoring.Elapsed.TotalSeconds);
    }

    private static async Task<(TimeSpan Elapsed, JsonElement Status)> RunBatchAsync(Uri gateway, string key, string flights)
    {
        using var client = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var clock = Stopwatch.StartNew();
        await using var file = File.OpenRead(flights);
        using var content = new StreamContent(file, 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.apache.parquet");
        using var submitted = await client.PostAsync(new Uri("/api/v1/models/flight-delay/batches", UriKind.Relative), content);
        var body = await submitted.Content.ReadAsStringAsync();
        if (!submitted.IsSuccessStatusCode)
            throw new InvalidOperationException($"The upload was refused: {(int)submitted.StatusCode} {body}");
        var location = submitted.Headers.Location!;
        while (true)
        {
            var status = JsonDocument.Parse(await client.GetStringAsync(location)).RootElement;
            switch (status.GetProperty("state").GetString())
            {
                case "completed":
                    return (clock.Elapsed, status.Clone());
                case "failed":
                    throw new InvalidOperationException($"The batch failed: {status}");
            }

            await Task.Delay(100);
        }
    }
}
