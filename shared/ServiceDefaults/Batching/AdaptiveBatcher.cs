using System.Collections.Concurrent;
using System.Diagnostics;

namespace ServiceDefaults.Batching;

/// <summary>
/// Runs concurrent requests for the same key (a model version) together, as one batch: one call of the batch function
/// for many callers, each of whom still gets its own answer. A caller that finds fewer than <c>maxConcurrent</c> batches of
/// its key running runs one itself at once (so a single caller never waits for anyone); callers that arrive while the
/// key's batches run queue up, and the next batch takes every queued request up to <c>maxRows</c> rows (a request larger
/// than that runs alone). The batch grows with the load, with no timer: this is how BentoML, Triton and Ray Serve batch.
/// With <c>maxWait</c> above zero, a batch that is not full and has another batch of its key running waits up to that long
/// for more requests (larger batches for a little latency, only under load).
/// </summary>
/// <remarks>
/// A batch runs in a span of its own (source <see cref="BatchingTelemetry.ActivitySourceName"/>), the child of its first request's span and
/// linked to every other request's, so each request's trace still leads to what was done for it.
/// </remarks>
/// <typeparam name="TKey">What requests must share to run together (e.g. the loaded model version).</typeparam>
/// <typeparam name="TRequest">One caller's request.</typeparam>
/// <typeparam name="TAnswer">One caller's answer.</typeparam>
public sealed class AdaptiveBatcher<TKey, TRequest, TAnswer>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lane> _lanes = new();
    private readonly string _name;
    private readonly Func<TKey, IReadOnlyList<TRequest>, Task<IReadOnlyList<TAnswer>>> _run;
    private readonly Func<TRequest, int> _rowsOf;
    private readonly int _maxRows;
    private readonly TimeSpan _maxWait;
    private readonly int _maxConcurrent;

    /// <summary>A batcher of requests.</summary>
    /// <param name="name">The batches' span name, e.g. <c>score tensor batch</c>.</param>
    /// <param name="run">Runs one batch: the answers, one per request in the same order. An exception fails every request of the batch.</param>
    /// <param name="rowsOf">A request's rows (what <paramref name="maxRows"/> counts).</param>
    /// <param name="maxRows">The most rows in one batch (1: no batching).</param>
    /// <param name="maxWait">How long a batch that is not full waits for more while another batch of its key runs (zero: never).</param>
    /// <param name="maxConcurrent">How many batches of one key run at once.</param>
    public AdaptiveBatcher(
        string name, Func<TKey, IReadOnlyList<TRequest>, Task<IReadOnlyList<TAnswer>>> run, Func<TRequest, int> rowsOf, int maxRows, TimeSpan maxWait, int maxConcurrent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rowsOf);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        (_name, _run, _rowsOf, _maxRows, _maxWait, _maxConcurrent) = (name, run, rowsOf, maxRows, maxWait, maxConcurrent);
    }

    /// <summary>
    /// The answer to <paramref name="request"/>, run in a batch with the other requests of <paramref name="key"/> that
    /// arrive meanwhile. <paramref name="cancellationToken"/> stops this caller's wait only: a request already queued is
    /// still run with its batch, since the others' answers do not wait for it.
    /// </summary>
    public Task<TAnswer> SubmitAsync(TKey key, TRequest request, CancellationToken cancellationToken)
    {
        var lane = _lanes.GetOrAdd(key, _ => new Lane());
        var pending = new Pending(request, Math.Max(1, _rowsOf(request)), Activity.Current?.Context ?? default);
        bool leads;
        lock (lane.Gate)
        {
            lane.Queue.Enqueue(pending);
            lane.QueuedRows += pending.Rows;
            leads = lane.Running < _maxConcurrent;
            if (leads)
                lane.Running++;
        }

        var answer = leads ? LeadAsync(key, lane, pending) : pending.Answer.Task;
        return cancellationToken.CanBeCanceled ? answer.WaitAsync(cancellationToken) : answer;
    }

    // Runs the lane's batches until the caller's own request is answered (it may be in a later batch, or in another
    // runner's), then hands what is left to the thread pool, so the caller's answer waits for nobody else's batch.
    private async Task<TAnswer> LeadAsync(TKey key, Lane lane, Pending own)
    {
        while (true)
        {
            if (own.Answer.Task.IsCompleted)
            {
                HandOff(key, lane);
                break;
            }

            if (await TakeAsync(key, lane) is not { } batch)
                break;
            await RunAsync(key, batch);
        }

        return await own.Answer.Task;
    }

    private void HandOff(TKey key, Lane lane)
    {
        lock (lane.Gate)
        {
            if (lane.Queue.Count == 0)
            {
                Stop(key, lane);
                return;
            }
        }

        _ = Task.Run(() => DrainAsync(key, lane));
    }

    private async Task DrainAsync(TKey key, Lane lane)
    {
        while (await TakeAsync(key, lane) is { } batch)
            await RunAsync(key, batch);
    }

    // The next batch of the lane, or null when its queue is empty (then this runner has stopped: the count says so before
    // the lock is released, so a request queued after that finds a free place and runs itself).
    private async ValueTask<List<Pending>?> TakeAsync(TKey key, Lane lane)
    {
        if (_maxWait > TimeSpan.Zero)
        {
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started) < _maxWait)
            {
                lock (lane.Gate)
                {
                    if (lane.Queue.Count == 0 || lane.QueuedRows >= _maxRows || lane.Running < 2)
                        break;
                }

                await Task.Yield();
            }
        }

        lock (lane.Gate)
        {
            if (lane.Queue.Count == 0)
            {
                Stop(key, lane);
                return null;
            }

            var batch = new List<Pending>();
            var rows = 0;
            while (lane.Queue.TryPeek(out var next) && (batch.Count == 0 || rows + next.Rows <= _maxRows))
            {
                lane.Queue.Dequeue();
                lane.QueuedRows -= next.Rows;
                rows += next.Rows;
                batch.Add(next);
            }

            return batch;
        }
    }

    // Holding the lane's lock, with its queue empty: one runner fewer; an idle lane leaves the map (its key may be a
    // version that is never served again). A caller that found it just before queues in it and runs itself.
    private void Stop(TKey key, Lane lane)
    {
        if (--lane.Running == 0)
            _lanes.TryRemove(new KeyValuePair<TKey, Lane>(key, lane));
    }

    private async Task RunAsync(TKey key, List<Pending> batch)
    {
        var links = batch.Count > 1 ? batch.Skip(1).Where(pending => pending.Caller != default).Select(pending => new ActivityLink(pending.Caller)).ToList() : null;
        using var activity = BatchingTelemetry.Source.StartActivity(_name, ActivityKind.Internal, batch[0].Caller, links: links);
        activity?.SetTag("batch.requests", batch.Count);
        try
        {
            var answers = await _run(key, [.. batch.Select(pending => pending.Request)]);
            if (answers.Count != batch.Count)
                throw new InvalidOperationException($"A batch of {batch.Count} requests got {answers.Count} answers.");
            for (var i = 0; i < batch.Count; i++)
                batch[i].Answer.TrySetResult(answers[i]);
        }
#pragma warning disable CA1031 // Whatever failed the batch fails each of its requests, with the same exception.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            foreach (var pending in batch)
                pending.Answer.TrySetException(exception);
        }
    }

    private sealed class Lane
    {
        public readonly Lock Gate = new();
        public readonly Queue<Pending> Queue = new();
        public int QueuedRows;
        public int Running;
    }

    private sealed class Pending(TRequest request, int rows, ActivityContext caller)
    {
        public TRequest Request { get; } = request;

        public int Rows { get; } = rows;

        public ActivityContext Caller { get; } = caller;

        public TaskCompletionSource<TAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
