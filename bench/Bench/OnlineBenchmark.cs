using System.Net.Http.Headers;
using Modeling.Scoring;

namespace Bench;

/// <summary>One measured path and batch size.</summary>
/// <param name="Path">(a)…(d) and what it is.</param>
/// <param name="BatchSize">Records per request.</param>
/// <param name="RequestsPerSecond">The best closed-loop throughput.</param>
/// <param name="Callers">The number of concurrent callers that reached it.</param>
/// <param name="HalfLoadP50">Median latency at half that throughput (open loop), ms.</param>
/// <param name="HalfLoadP99">99th percentile latency at half that throughput (open loop), ms.</param>
/// <param name="Errors">Failed requests over all runs of this row.</param>
public sealed record OnlineResult(string Path, int BatchSize, double RequestsPerSecond, int Callers, double HalfLoadP50, double HalfLoadP99, int Errors)
{
    /// <summary>Records per second at the best throughput.</summary>
    public double RecordsPerSecond => RequestsPerSecond * BatchSize;
}

/// <summary>
/// The online paths on the same model and the same flights: (a) ONNX Runtime in-process, (b) the naive
/// model-in-the-web-server, (c) the tensor API through the gateway, (d) the raw-record API through the
/// gateway, FeatureBuilder, RabbitMQ and an Inference replica.
/// </summary>
public sealed class OnlineBenchmark(BenchData data, Uri naiveServer, Uri gateway, string key, TimeSpan duration)
{
    private const int DistinctBodies = 200;
    private static readonly int[] CallerLevels = [1, 8, 32];
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Measures every path with single records and with 100-record requests.</summary>
    public async Task<IReadOnlyList<OnlineResult>> RunAsync()
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        // Sent to the naive server too, so both sides carry the same header bytes.
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var scorer = OnnxScorer.Load(data.Bundle.Card, data.Bundle.Onnx);
        var model = data.Bundle.Card.Name;
        var results = new List<OnlineResult>();
        foreach (var size in new[] { 1, 100 })
        {
            results.Add(await MeasureAsync("(a) ONNX Runtime in-process", size, InProcess(scorer, size)));
            results.Add(await MeasureAsync("(b) naive model-in-web-server", size, Post(client, new Uri(naiveServer, "/predict"), start => data.RawBody(start, size))));
            results.Add(await MeasureAsync("(c) tensor API via gateway", size, Post(client, new Uri(gateway, $"/v2/models/{model}/infer"), start => data.TensorBody(start, size))));
            results.Add(await MeasureAsync("(d) raw records via gateway + RabbitMQ", size, Post(client, new Uri(gateway, $"/api/v1/models/{model}/predict"), start => data.RawBody(start, size))));
        }

        return results;
    }

    private async Task<OnlineResult> MeasureAsync(string path, int size, Func<int, Task<bool>> operation)
    {
        Console.Error.WriteLine($"  {path}, {size} record(s) per request");
        var errors = (await LoadGenerator.ClosedLoopAsync(operation, 8, TimeSpan.FromSeconds(1))).Errors; // warm-up
        var (best, bestCallers) = (0.0, 0);
        foreach (var callers in CallerLevels)
        {
            var (perSecond, failed) = await LoadGenerator.ClosedLoopAsync(operation, callers, duration);
            errors += failed;
            if (perSecond > best)
                (best, bestCallers) = (perSecond, callers);
        }

        var halfLoad = await LoadGenerator.OpenLoopAsync(operation, best / 2, duration);
        return new OnlineResult(path, size, best, bestCallers, halfLoad.Percentile(0.5), halfLoad.Percentile(0.99), errors + halfLoad.Errors);
    }

    private Func<int, Task<bool>> InProcess(OnnxScorer scorer, int size)
    {
        var rows = data.Records.Length;
        return sequence =>
        {
            var start = (sequence * size) % (rows - size);
            var scores = new ModelScore[size];
            scorer.Score(data.Features.AsMemory(start * data.Width, size * data.Width), scores);
            return Task.FromResult(true);
        };
    }

    private static Func<int, Task<bool>> Post(HttpClient client, Uri target, Func<int, string> body)
    {
        var bodies = Enumerable.Range(0, DistinctBodies).Select(index => System.Text.Encoding.UTF8.GetBytes(body(index * 37))).ToArray();
        return async sequence =>
        {
            using var content = new ByteArrayContent(bodies[sequence % bodies.Length]);
            content.Headers.ContentType = Json;
            try
            {
                using var response = await client.PostAsync(target, content);
                await response.Content.ReadAsByteArrayAsync();
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        };
    }
}
