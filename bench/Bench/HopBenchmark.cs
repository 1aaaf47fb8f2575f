using System.Diagnostics;
using System.Text.Json;
using Contracts.Predictions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inference.OpenInference.Grpc;
using MassTransit;

namespace Bench;

/// <summary>
/// The synchronous hop to Inference in the distributed mode, two ways, from the bench's process to the same two replicas
/// with the same feature rows of one record: the MassTransit request/response over RabbitMQ FeatureBuilder uses today
/// (<see cref="ScoreRequest"/>, as FeatureBuilder's broker user, replicas competing on one queue), and a direct gRPC call
/// over HTTP/2 (the Open Inference Protocol's <c>ModelInfer</c> with raw contents, the calls alternating between the
/// replicas as client-side round robin would). Each at 1 caller (latency) and 32 callers (throughput), with the CPU time
/// per call of every process. Inference does the same work on both: score, answer, and publish the prediction's event.
/// </summary>
public static class HopBenchmark
{
    private static readonly int[] CallerLevels = [1, 32];

    /// <summary>Measures both hops for <paramref name="duration"/> at each level of callers.</summary>
    public static async Task<IReadOnlyList<HopResult>> RunAsync(
        DistributedSystemProcess system, BenchData data, string key, IReadOnlyList<Uri> replicasGrpc, IReadOnlyList<CostSubject> subjects, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(data);
        var credentials = File.ReadAllLines(Path.Combine(system.DataFolder, "broker", "credentials.env"))
            .Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1].Trim('\'', '"'));
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host("127.0.0.1", "/", host =>
        {
            host.Username(credentials["BROKER_FEATUREBUILDER_USER"]);
            host.Password(credentials["BROKER_FEATUREBUILDER_PASSWORD"]);
        }));
        await bus.StartAsync();
        var channels = replicasGrpc.Select(address => GrpcChannel.ForAddress(address)).ToList();
        try
        {
            var client = bus.CreateRequestClient<ScoreRequest>(RequestTimeout.After(s: 30));
            var model = data.Bundle.Card;
            var grpcClients = channels.Select(channel => new GRPCInferenceService.GRPCInferenceServiceClient(channel)).ToList();
            var metadata = new Metadata { { "authorization", $"Bearer {key}" } };
            Func<int, Task> broker = async index =>
            {
                var row = index % data.Records.Length;
                var request = new ScoreRequest(model.Name, model.Version, data.Width, data.Features.AsSpan(row * data.Width, data.Width).ToArray(),
                    [new ScoreRecord(null, null, JsonSerializer.Deserialize<JsonElement>(data.Records[row]))], PredictionSources.Online, DateTimeOffset.UtcNow);
                var response = await client.GetResponse<ScoreResponse, ScoreRejected>(request, pipe => pipe.UseExecute(send => send.Durable = false));
                if (!response.Is(out Response<ScoreResponse>? _))
                    throw new InvalidOperationException("Inference rejected a score request");
            };
            Func<int, Task> grpc = async index =>
            {
                var row = index % data.Records.Length;
                var tensor = new ModelInferRequest.Types.InferInputTensor { Name = model.Input.Name, Datatype = "FP32" };
                tensor.Shape.AddRange([1, data.Width]);
                var request = new ModelInferRequest { ModelName = model.Name, ModelVersion = model.Version };
                request.Inputs.Add(tensor);
                var bytes = new byte[data.Width * sizeof(float)];
                Buffer.BlockCopy(data.Features, row * data.Width * sizeof(float), bytes, 0, bytes.Length);
                request.RawInputContents.Add(ByteString.CopyFrom(bytes));
                await grpcClients[index % grpcClients.Count].ModelInferAsync(request, metadata);
            };

            var results = new List<HopResult>();
            foreach (var (name, call) in new[] { ("MassTransit request/response over RabbitMQ", broker), ("gRPC over HTTP/2 (ModelInfer)", grpc) })
            {
                await ClosedLoopAsync(call, 8, TimeSpan.FromSeconds(1));
                foreach (var callers in CallerLevels)
                {
                    Console.Error.WriteLine($"  hop: {name}, {callers} caller(s)");
                    var before = await CostReading.TakeAsync(subjects);
                    var (calls, latencies) = await ClosedLoopAsync(call, callers, duration);
                    var after = await CostReading.TakeAsync(subjects);
                    Array.Sort(latencies);
                    results.Add(new HopResult(name, callers, calls / duration.TotalSeconds, Percentile(latencies, 0.5), Percentile(latencies, 0.99),
                        HopCost.Between(subjects, before, after, calls, 1)));
                }
            }

            return results;
        }
        finally
        {
            foreach (var channel in channels)
                channel.Dispose();
            await bus.StopAsync();
        }
    }

    // Callers each calling back to back until the duration is over: how many calls ended, and each one's latency in ms.
    private static async Task<(int Calls, double[] LatenciesMs)> ClosedLoopAsync(Func<int, Task> call, int callers, TimeSpan duration)
    {
        var latencies = new List<double>[callers];
        var clock = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var own = latencies[caller] = [];
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await call(Interlocked.Increment(ref next));
                own.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        var all = latencies.SelectMany(own => own).ToArray();
        return (all.Length, all);
    }

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}

/// <summary>One hop at one level of callers.</summary>
/// <param name="Hop">Which hop.</param>
/// <param name="Callers">Concurrent callers.</param>
/// <param name="CallsPerSecond">Calls answered per second.</param>
/// <param name="P50Ms">Median latency of a call, ms (closed loop).</param>
/// <param name="P99Ms">99th percentile, ms (closed loop).</param>
/// <param name="Costs">CPU time per call of every process.</param>
public sealed record HopResult(string Hop, int Callers, double CallsPerSecond, double P50Ms, double P99Ms, IReadOnlyList<HopCost> Costs);
