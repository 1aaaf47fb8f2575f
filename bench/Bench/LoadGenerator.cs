using System.Diagnostics;

namespace Bench;

/// <summary>
/// Drives one operation (an HTTP request, an in-process call) two ways: closed loop (N callers back to
/// back, for the maximum throughput) and open loop (a fixed rate, each latency measured from the moment
/// the request was due, so a stalled system is not hidden by callers that wait: no coordinated omission).
/// </summary>
public static class LoadGenerator
{
    /// <summary>Operations per second with <paramref name="callers"/> callers back to back for <paramref name="duration"/>.</summary>
    public static async Task<(double PerSecond, int Errors)> ClosedLoopAsync(Func<int, Task<bool>> operation, int callers, TimeSpan duration)
    {
        var recorder = new LatencyRecorder();
        var clock = Stopwatch.StartNew();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var started = clock.Elapsed;
                if (await operation(Interlocked.Increment(ref next)))
                    recorder.Record(clock.Elapsed - started);
                else
                    recorder.Fail();
            }
        })));
        return (recorder.Count / clock.Elapsed.TotalSeconds, recorder.Errors);
    }

    /// <summary>Latencies at <paramref name="perSecond"/> operations per second for <paramref name="duration"/>.</summary>
    public static async Task<LatencyRecorder> OpenLoopAsync(Func<int, Task<bool>> operation, double perSecond, TimeSpan duration)
    {
        var recorder = new LatencyRecorder();
        var interval = TimeSpan.FromSeconds(1 / perSecond);
        var total = (int)(duration.TotalSeconds * perSecond);
        var running = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        for (var index = 0; index < total; index++)
        {
            var due = interval * index;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait);
            else if (wait > TimeSpan.Zero)
                Thread.SpinWait(50);
            var sequence = index;
            running.Add(Task.Run(async () =>
            {
                if (await operation(sequence))
                    recorder.Record(clock.Elapsed - due);
                else
                    recorder.Fail();
            }));
        }

        await Task.WhenAll(running);
        return recorder;
    }
}
