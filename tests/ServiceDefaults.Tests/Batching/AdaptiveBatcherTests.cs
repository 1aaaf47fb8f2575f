using System.Collections.Concurrent;
using ServiceDefaults.Batching;

namespace ServiceDefaults.Tests.Batching;

/// <summary>
/// Concurrent requests for one key are run together, each caller getting its own answer: what a caller alone waits for,
/// what forms a batch, its limits, failures and cancellation. Batches are held open by the tests (gates), never timed.
/// </summary>
public sealed class AdaptiveBatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_caller_alone_is_run_at_once_in_a_batch_of_its_own()
    {
        var runs = new Runs();
        var batcher = runs.Batcher(maxRows: 100, maxConcurrent: 1);

        Assert.Equal("a:1", await batcher.SubmitAsync("m", new Request("a", 1), CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal("a:1", await batcher.SubmitAsync("m", new Request("a", 1), CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal(["a", "a"], runs.Batches.Select(batch => string.Join(",", batch)));
    }

    [Fact]
    public async Task Requests_that_arrive_while_a_batch_runs_are_run_together_next_each_with_its_own_answer()
    {
        var runs = new Runs();
        var batcher = runs.Batcher(maxRows: 100, maxConcurrent: 1);
        var gate = runs.HoldNextRun();

        var first = batcher.SubmitAsync("m", new Request("first", 1), CancellationToken.None);
        await gate.Entered.Task.WaitAsync(Timeout);
        var waiting = Enumerable.Range(0, 5).Select(i => batcher.SubmitAsync("m", new Request($"r{i}", i + 1), CancellationToken.None)).ToList();
        gate.Release.SetResult();

        Assert.Equal("first:1", await first.WaitAsync(Timeout));
        Assert.Equal(["r0:1", "r1:2", "r2:3", "r3:4", "r4:5"], await Task.WhenAll(waiting).WaitAsync(Timeout));
        Assert.Equal(["first", "r0,r1,r2,r3,r4"], runs.Batches.Select(batch => string.Join(",", batch)));
    }

    [Fact]
    public async Task A_batch_holds_at_most_its_rows_and_a_larger_request_runs_alone()
    {
        var runs = new Runs();
        var batcher = runs.Batcher(maxRows: 5, maxConcurrent: 1);
        var gate = runs.HoldNextRun();

        var first = batcher.SubmitAsync("m", new Request("first", 1), CancellationToken.None);
        await gate.Entered.Task.WaitAsync(Timeout);
        var waiting = new[] { ("a", 2), ("b", 3), ("c", 1), ("large", 9), ("d", 4) }
            .Select(request => batcher.SubmitAsync("m", new Request(request.Item1, request.Item2), CancellationToken.None)).ToList();
        gate.Release.SetResult();
        await Task.WhenAll(waiting.Append(first)).WaitAsync(Timeout);

        // In order of arrival: a batch ends before the request that would take it past five rows.
        Assert.Equal(["first", "a,b", "c", "large", "d"], runs.Batches.Select(batch => string.Join(",", batch)));
    }

    [Fact]
    public async Task Requests_of_different_keys_are_never_run_together()
    {
        var runs = new Runs();
        var batcher = runs.Batcher(maxRows: 100, maxConcurrent: 1);
        var gate = runs.HoldNextRun();

        var first = batcher.SubmitAsync("m1", new Request("first", 1), CancellationToken.None);
        await gate.Entered.Task.WaitAsync(Timeout);
        var waiting = new[] { batcher.SubmitAsync("m1", new Request("a", 1), CancellationToken.None), batcher.SubmitAsync("m2", new Request("b", 1), CancellationToken.None) };
        // m2 has no batch running: its caller runs it without waiting for m1's.
        Assert.Equal("b:1", await waiting[1].WaitAsync(Timeout));
        gate.Release.SetResult();
        await Task.WhenAll(waiting.Append(first)).WaitAsync(Timeout);

        Assert.Equal(["m1:first", "m2:b", "m1:a"], runs.Keyed);
    }

    [Fact]
    public async Task A_caller_that_ran_a_batch_gets_its_answer_without_waiting_for_the_next_batch()
    {
        var runs = new Runs();
        var batcher = runs.Batcher(maxRows: 100, maxConcurrent: 1);
        var firstGate = runs.HoldNextRun();

        var first = batcher.SubmitAsync("m", new Request("first", 1), CancellationToken.None);
        await firstGate.Entered.Task.WaitAsync(Timeout);
        var second = batcher.SubmitAsync("m", new Request("second", 1), CancellationToken.None);
        var secondGate = runs.HoldNextRun();
        firstGate.Release.SetResult();

        // The first caller's batch is done while the second batch (run on for the others) is still held.
        Assert.Equal("first:1", await first.WaitAsync(Timeout));
        await secondGate.Entered.Task.WaitAsync(Timeout);
        Assert.False(second.IsCompleted);
        secondGate.Release.SetResult();
        Assert.Equal("second:1", await second.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Up_to_the_concurrency_callers_run_batches_side_by_side()
    {
        var runs = new Runs();
        var batcher = runs.Batcher(maxRows: 100, maxConcurrent: 2);
        var firstGate = runs.HoldNextRun();
        var first = batcher.SubmitAsync("m", new Request("first", 1), CancellationToken.None);
        await firstGate.Entered.Task.WaitAsync(Timeout);

        // A second batch starts while the first is held; the third caller queues behind both.
        var secondGate = runs.HoldNextRun();
        var second = batcher.SubmitAsync("m", new Request("second", 1), CancellationToken.None);
        await secondGate.Entered.Task.WaitAsync(Timeout);
        var third = batcher.SubmitAsync("m", new Request("third", 1), CancellationToken.None);
        Assert.False(third.IsCompleted);

        secondGate.Release.SetResult();
        Assert.Equal(["second:1", "third:1"], await Task.WhenAll(second, third).WaitAsync(Timeout));
        Assert.False(first.IsCompleted);
        firstGate.Release.SetResult();
        Assert.Equal("first:1", await first.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_failed_batch_fails_each_of_its_requests_and_no_other()
    {
        var runs = new Runs();
        var batcher = runs.Batcher(maxRows: 100, maxConcurrent: 1);
        var gate = runs.HoldNextRun();

        var first = batcher.SubmitAsync("m", new Request("first", 1), CancellationToken.None);
        await gate.Entered.Task.WaitAsync(Timeout);
        var failing = new[] { batcher.SubmitAsync("m", new Request("fail", 1), CancellationToken.None), batcher.SubmitAsync("m", new Request("b", 1), CancellationToken.None) };
        gate.Release.SetResult();

        Assert.Equal("first:1", await first.WaitAsync(Timeout));
        foreach (var request in failing)
            Assert.Equal("the batch failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => request.WaitAsync(Timeout))).Message);
        Assert.Equal("after:1", await batcher.SubmitAsync("m", new Request("after", 1), CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_leaves_its_request_in_the_batch_and_the_others_answered()
    {
        var runs = new Runs();
        var batcher = runs.Batcher(maxRows: 100, maxConcurrent: 1);
        var gate = runs.HoldNextRun();
        using var cancel = new CancellationTokenSource();

        var first = batcher.SubmitAsync("m", new Request("first", 1), cancel.Token);
        await gate.Entered.Task.WaitAsync(Timeout);
        var other = batcher.SubmitAsync("m", new Request("other", 1), CancellationToken.None);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Timeout));
        gate.Release.SetResult();
        Assert.Equal("other:1", await other.WaitAsync(Timeout));
        Assert.Equal(["first", "other"], runs.Batches.Select(batch => string.Join(",", batch)));
    }

    [Fact]
    public async Task Many_concurrent_callers_each_get_their_own_answer_in_full_batches()
    {
        var runs = new Runs();
        var batcher = runs.Batcher(maxRows: 16, maxConcurrent: 1);
        var gate = runs.HoldNextRun();
        var first = batcher.SubmitAsync("m", new Request("first", 1), CancellationToken.None);
        await gate.Entered.Task.WaitAsync(Timeout);

        var callers = new Task<string>[200];
        Parallel.For(0, callers.Length, i => callers[i] = batcher.SubmitAsync("m", new Request($"c{i}", 1), CancellationToken.None));
        gate.Release.SetResult();

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"c{i}:1"), await Task.WhenAll(callers).WaitAsync(Timeout));
        Assert.Equal("first:1", await first.WaitAsync(Timeout));
        Assert.Equal([1, .. Enumerable.Repeat(16, 12), 8], runs.Batches.Select(batch => batch.Count));
    }

    private sealed record Request(string Name, int Rows);

    private sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // Records every batch run (its requests' names, and with the key) and holds the runs the test asks to hold.
    private sealed class Runs
    {
        private readonly ConcurrentQueue<Gate> _holds = new();
        private readonly Lock _gate = new();
        private readonly List<List<string>> _batches = [];
        private readonly List<string> _keyed = [];

        public List<List<string>> Batches
        {
            get
            {
                lock (_gate)
                    return [.. _batches];
            }
        }

        public List<string> Keyed
        {
            get
            {
                lock (_gate)
                    return [.. _keyed];
            }
        }

        public Gate HoldNextRun()
        {
            var gate = new Gate();
            _holds.Enqueue(gate);
            return gate;
        }

        public AdaptiveBatcher<string, Request, string> Batcher(int maxRows, int maxConcurrent) =>
            new("test batch", RunAsync, request => request.Rows, maxRows, TimeSpan.Zero, maxConcurrent);

        private async Task<IReadOnlyList<string>> RunAsync(string key, IReadOnlyList<Request> requests)
        {
            lock (_gate)
            {
                _batches.Add([.. requests.Select(request => request.Name)]);
                _keyed.AddRange(requests.Select(request => $"{key}:{request.Name}"));
            }

            if (_holds.TryDequeue(out var hold))
            {
                hold.Entered.SetResult();
                await hold.Release.Task;
            }

            if (requests.Any(request => request.Name == "fail"))
                throw new InvalidOperationException("the batch failed");
            return [.. requests.Select(request => $"{request.Name}:{Math.Max(1, request.Rows)}")];
        }
    }
}
