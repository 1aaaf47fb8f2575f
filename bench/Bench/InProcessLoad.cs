using System.Diagnostics;

namespace Bench;

/// <summary>
/// The load of row (a), an operation called in this process, on threads of its own (never the thread pool, never a
/// timer): closed loop, N threads calling back to back; open loop, one thread per core, thread j calling requests j,
/// j + cores, j + 2·cores… each spinning until its request is due, so a request starts within microseconds of when it
/// is due and its latency is measured from then (a thread that falls behind starts the next late, and that wait counts:
/// no coordinated omission).
/// </summary>
public static class InProcessLoad
{
    // Sleep (about a millisecond's granularity) only while the next request is further away than this; spin after.
    private static readonly long SleepUntilTicks = Stopwatch.Frequency * 2 / 1000;

    /// <summary>Calls <paramref name="operation"/> from <paramref name="callers"/> threads back to back for <paramref name="duration"/>.</summary>
    public static ClosedLoopResult ClosedLoop(Func<int, bool> operation, int callers, TimeSpan duration)
    {
        long completed = 0, failed = 0;
        var next = 0;
        var clock = Stopwatch.StartNew();
        Run(callers, _ =>
        {
            long done = 0, errors = 0;
            while (clock.Elapsed < duration)
            {
                if (operation(Interlocked.Increment(ref next)))
                    done++;
                else
                    errors++;
            }

            Interlocked.Add(ref completed, done);
            Interlocked.Add(ref failed, errors);
        });
        return new ClosedLoopResult(completed, failed, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Calls <paramref name="operation"/> at <paramref name="perSecond"/> calls a second for <paramref name="duration"/>.</summary>
    public static OpenLoopResult OpenLoop(Func<int, bool> operation, double perSecond, TimeSpan duration)
    {
        var recorder = new LatencyRecorder();
        var threads = Environment.ProcessorCount;
        var total = (long)(duration.TotalSeconds * perSecond);
        var interval = Stopwatch.Frequency / perSecond;
        var start = Stopwatch.GetTimestamp();
        Run(threads, thread =>
        {
            for (var index = (long)thread; index < total; index += threads)
            {
                var due = start + (long)(index * interval);
                WaitUntil(due);
                var succeeded = operation((int)index);
                var ended = Stopwatch.GetTimestamp();
                if (succeeded)
                    recorder.Record(Stopwatch.GetElapsedTime(due, ended));
                else
                    recorder.Fail();
            }
        });
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new OpenLoopResult(recorder, perSecond, elapsed > 0 ? total / elapsed : 0);
    }

    private static void WaitUntil(long due)
    {
        long now;
        while ((now = Stopwatch.GetTimestamp()) < due)
        {
            if (due - now > SleepUntilTicks)
                Thread.Sleep(1);
            else
                Thread.SpinWait(20);
        }
    }

    private static void Run(int count, Action<int> body)
    {
        var threads = Enumerable.Range(0, count).Select(index => new Thread(() => body(index)) { IsBackground = true, Name = $"bench load {index}" }).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());
    }
}
