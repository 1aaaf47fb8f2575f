using System.Globalization;
using Modeling.Flights;
using Replay.Broker;
using Replay.Flights;
using Replay.Messages;
using Replay.Records;
using Replay.Results;
using Replay.Streaming;

namespace Replay;

/// <summary>
/// Plays records through a running platform as another system would: a prediction request on <c>platform.ingest</c>
/// before each record's time (a flight's departure, a day) and its outcome once it is known (the flight's delay once it
/// has left, the day's weather), on a stream clock running <see cref="ReplayOptions.Speed"/> times faster than wall
/// time; meanwhile it listens on <c>platform.events</c> for the predictions (to measure the live metric of the model's
/// task per period itself, from the predictions and the truths: <see cref="ReplayTarget"/>), for the alerts and for the
/// model lifecycle events (recording the stream time each arrived at). The command line (<c>Program.cs</c>) and the
/// integration tests both run it.
/// </summary>
public sealed class Replayer
{
    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan ReleaseInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan SilenceWarning = TimeSpan.FromSeconds(10);
    private const int MaxUnconfirmed = 256;
    private readonly ReplayOptions _options;
    private readonly IReplayBroker _broker;
    private readonly TimeProvider _time;
    private readonly TextWriter _progress;
    private readonly BaselineModel? _baseline;
    private readonly ReplayTarget _target;
    private readonly ReplayLedger _ledger;
    private readonly StreamPositionLog _answered = new();
    private readonly string _correlationPrefix;
    private readonly RatePacer _pacer;
    private readonly List<(ReplayEvent Outcome, long Since)> _held = [];
    private readonly Queue<(Task<bool> Publish, bool Outcome)> _unconfirmed = new();
    private long _lastRelease;
    private StreamClock? _clock;
    private long _nextEventTicks = long.MaxValue;
    private long _lastEventTicks;
    private volatile bool _finished;
    private long _started;
    private long _lastProgressAt;
    private long _eventsAtLastProgress;
    private long _events;
    private int _warnedRequests, _warnedOutcomes, _warnedUnreadable, _warnedSilence;
    private long _lastReceivedAt;

    /// <summary>
    /// A replay of <paramref name="options"/> over <paramref name="broker"/>, progress lines to <paramref name="progress"/>,
    /// judging predictions by <paramref name="target"/> (the flights demo's when null); every record is also scored by
    /// <paramref name="baseline"/> when given (<c>--baseline</c>).
    /// </summary>
    public Replayer(ReplayOptions options, IReplayBroker broker, TimeProvider time, TextWriter progress, ReplayTarget? target = null, BaselineModel? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(progress);
        if (options.Validate() is [var first, ..])
            throw new ArgumentException(first, nameof(options));
        _options = options;
        _broker = broker;
        _time = time;
        _progress = TextWriter.Synchronized(progress);
        _baseline = baseline;
        _target = target ?? ReplayTarget.Of(FlightDelayCard.Card);
        _ledger = new ReplayLedger(options.From, options.Period, _target);
        RunId = Guid.NewGuid().ToString("N")[..8];
        _correlationPrefix = RunId + ":";
        _pacer = new RatePacer(time, options.MaxRate);
    }

    /// <summary>This run's id: the prefix of its correlation ids (<c>&lt;run&gt;:&lt;record number&gt;</c>).</summary>
    public string RunId { get; }

    /// <summary>
    /// Where the stream is: the clock's time while waiting for the next message, that message's time while the
    /// replay is behind (the rate cap, a slow broker), the last message's time once all are sent.
    /// </summary>
    public DateTime StreamNow
    {
        get
        {
            if (Volatile.Read(ref _clock) is not { } clock)
                return _options.From;
            var last = new DateTime(Interlocked.Read(ref _lastEventTicks));
            if (_finished)
                return last;
            var next = Interlocked.Read(ref _nextEventTicks);
            var now = clock.Now;
            var position = now.Ticks < next ? now : new DateTime(next);
            return position < last ? last : position;
        }
    }

    /// <summary>
    /// Connects to <see cref="ReplayOptions.Amqp"/>, replays the records of the options' file and range (the demo flights
    /// without a card), and reports.
    /// </summary>
    public static async Task<ReplayReport> RunAsync(ReplayOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var target = options.Card is { } card
            ? await ReplayTarget.ReadAsync(card, options.LabelField, cancellationToken)
            : ReplayTarget.Of(FlightDelayCard.Card);
        var sampler = new RecordSampler(options.Sample);
        IAsyncEnumerable<ReplayRecord> records;
        if (options.Card is null)
        {
            var flights = options.DataFile ?? DemoData.RequireFlightsFile();
            records = FlightSchedule.ReadAsync(flights, options.From, options.To, sampler, cancellationToken).Select(flight => flight.Record);
        }
        else
        {
            var labelField = target.LabelField ?? throw new InvalidOperationException($"--card {options.Card}: the card has no label.field; name the outcome's field with --label-field");
            records = RecordFile.ReadAsync(options.DataFile!, target.Features, options.TimeField, labelField, options.From, options.To, sampler, cancellationToken);
        }

        using var baseline = options.BaselineFolder is { } folder ? await BaselineModel.LoadAsync(folder, cancellationToken) : null;
        await using var broker = await RabbitMqReplayBroker.ConnectAsync(options.Amqp, cancellationToken);
        var replayer = new Replayer(options, broker, TimeProvider.System, progress, target, baseline);
        return await replayer.RunAsync(records, cancellationToken);
    }

    /// <summary>
    /// Replays <paramref name="records"/> (in time order, already sampled), waits <see cref="ReplayOptions.Drain"/>
    /// for the last predictions and alerts, and reports. Cancelling stops the sending and skips the drain; the
    /// report then covers what was sent and says it is incomplete.
    /// </summary>
    public async Task<ReplayReport> RunAsync(IAsyncEnumerable<ReplayRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        _started = started;
        _lastProgressAt = started;
        await _broker.ListenAsync(_options.Model, Received, cancellationToken);

        var timeline = new EventTimeline(_options.Lead, _options.OutcomeLag, outcomes: !_options.SkipOutcomes);
        var completed = false;
        try
        {
            await foreach (var message in timeline.EventsAsync(records, cancellationToken))
            {
                if (_clock is null)
                {
                    Volatile.Write(ref _clock, new StreamClock(_time, message.StreamTime, _options.Speed));
                    Interlocked.Exchange(ref _lastEventTicks, message.StreamTime.Ticks);
                }

                Interlocked.Exchange(ref _nextEventTicks, message.StreamTime.Ticks);
                var clock = _clock!;
                await WaitAsync(() => Longer(clock.DelayUntil(message.StreamTime), _pacer.DelayBeforeNext()), cancellationToken);
                if (message.Kind == ReplayEventKind.Outcome && _options.OutcomeHold > TimeSpan.Zero && !_ledger.HasPrediction(message.Sequence))
                    _held.Add((message, _time.GetTimestamp()));
                else
                    await SendAsync(message, cancellationToken);
                Interlocked.Exchange(ref _lastEventTicks, message.StreamTime.Ticks);
                await ReleaseHeldOutcomesAsync(force: false, cancellationToken);
                WriteProgressIfDue();
            }

            _finished = true;
            while (_held.Count > 0)
            {
                await Task.Delay(ReleaseInterval, _time, cancellationToken);
                await ReleaseHeldOutcomesAsync(force: true, cancellationToken);
                WriteProgressIfDue();
            }

            await ConfirmAllAsync();

            WriteProgress();
            var drainStarted = _time.GetTimestamp();
            await WaitAsync(() => DrainLeft(drainStarted), cancellationToken, longestWait: TimeSpan.FromSeconds(1));
            completed = true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _finished = true;
        }

        WriteProgress();
        return _ledger.Report(RunId, _options, startedAt, _time.GetElapsedTime(started), completed);
    }

    // Outcomes due before their record's prediction has come back wait (up to the hold) and go out as soon as it has.
    private async Task ReleaseHeldOutcomesAsync(bool force, CancellationToken cancellationToken)
    {
        if (_held.Count == 0)
            return;
        var now = _time.GetTimestamp();
        if (!force && _time.GetElapsedTime(_lastRelease, now) < ReleaseInterval)
            return;
        _lastRelease = now;
        var released = 0;
        for (var i = 0; i < _held.Count; i++)
        {
            var (outcome, since) = _held[i];
            var answered = _ledger.HasPrediction(outcome.Sequence);
            if (!answered && _time.GetElapsedTime(since, now) < _options.OutcomeHold)
            {
                _held[released++] = _held[i];
                continue;
            }

            _ledger.OutcomeHeld(answered);
            await SendAsync(outcome, cancellationToken);
        }

        _held.RemoveRange(released, _held.Count - released);
    }

    private Task SendAsync(ReplayEvent message, CancellationToken cancellationToken)
    {
        _pacer.Sent();
        _events++;
        var record = message.Record;
        var correlationId = string.Create(CultureInfo.InvariantCulture, $"{_correlationPrefix}{message.Sequence}");
        var now = _time.GetUtcNow();
        var contentType = _options.CloudEvents ? Contracts.Ingest.PublicExchanges.CloudEventsContentType : "application/json";
        if (message.Kind == ReplayEventKind.Request)
        {
            var baseline = _baseline?.Score(record) is { } score ? _target.Predicted(score) : float.NaN;
            _ledger.RequestSent(message.Sequence, record, message.StreamTime, baseline);
            var body = ReplayMessages.Request(_options.Model, record, correlationId, _options.CloudEvents, now);
            return TrackAsync(_broker.PublishAsync(ReplayMessages.RequestRoutingKey, contentType, correlationId, body, cancellationToken), outcome: false);
        }

        var outcomeId = correlationId + ":outcome";
        _ledger.OutcomeSent(record);
        var outcomeBody = ReplayMessages.Outcome(_options.Model, record, outcomeId, _options.CloudEvents, now);
        return TrackAsync(_broker.PublishAsync(ReplayMessages.OutcomeRoutingKey, contentType, outcomeId, outcomeBody, cancellationToken), outcome: true);
    }

    // Publishes are confirmed by the broker; waiting for each confirm before the next publish would cap the replay
    // at one round trip per message, so up to MaxUnconfirmed are in flight and their results are read in order.
    private async Task TrackAsync(Task<bool> publish, bool outcome)
    {
        _unconfirmed.Enqueue((publish, outcome));
        while (_unconfirmed.TryPeek(out var oldest) && (_unconfirmed.Count > MaxUnconfirmed || oldest.Publish.IsCompleted))
        {
            _unconfirmed.Dequeue();
            Confirmed(await oldest.Publish, oldest.Outcome);
        }
    }

    private async Task ConfirmAllAsync()
    {
        while (_unconfirmed.TryDequeue(out var oldest))
            Confirmed(await oldest.Publish, oldest.Outcome);
    }

    private void Confirmed(bool routed, bool outcome)
    {
        if (routed)
            return;
        _ledger.Unroutable(outcome);
        if (outcome)
            Warn(ref _warnedOutcomes, $"no queue is bound to {ReplayMessages.OutcomeRoutingKey} on platform.ingest: outcomes are dropped (is FeedbackCollector running, with its outcome ingest?)");
        else
            Warn(ref _warnedRequests, $"no queue is bound to {ReplayMessages.RequestRoutingKey} on platform.ingest: requests are dropped (is FeatureBuilder running against this virtual host?)");
    }

    // Called on the broker's consumer thread for every message on the replay's queue.
    private void Received(string routingKey, ReadOnlyMemory<byte> body)
    {
        Interlocked.Exchange(ref _lastReceivedAt, _time.GetTimestamp());
        PlatformEvent received;
        try
        {
            received = PlatformEventParser.Parse(routingKey, body);
        }
        catch (FormatException exception)
        {
            _ledger.Unreadable();
            Warn(ref _warnedUnreadable, $"unreadable message ignored (further ones are only counted): {exception.Message}");
            return;
        }

        switch (received)
        {
            case PredictionReceived prediction:
                var predicted = _target.Predicted(prediction);
                if (float.IsNaN(predicted))
                {
                    _ledger.Unreadable();
                    Warn(ref _warnedUnreadable, $"a prediction without what a {_target.TaskName} model's prediction carries (probability, label or value) ignored (further ones are only counted)");
                    break;
                }

                if (_ledger.Predicted(SequenceOf(prediction.CorrelationId), predicted, prediction.Version, out var requestedAt) == ReplayLedger.Match.First)
                    _answered.Add(_time.GetUtcNow(), requestedAt);
                break;
            case AlertReceived alert when alert.Model == _options.Model:
                var windowEnd = alert.WindowEnd is { } end ? _answered.StreamTimeAt(end) : null;
                var recorded = _ledger.Alerted(alert, StreamNow, windowEnd, _time.GetUtcNow());
                _progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ALERT {recorded.Kind} ({recorded.Rule}, version {recorded.ModelVersion}) at stream {recorded.StreamTime:yyyy-MM-dd HH:mm}: {recorded.Summary}"));
                break;
            case LifecycleReceived change when change.Model == _options.Model:
                var noted = _ledger.Lifecycle(change, StreamNow, _time.GetUtcNow());
                _progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"MODEL {noted.Event} version {noted.Version} at stream {noted.StreamTime:yyyy-MM-dd HH:mm}: {noted.Detail}"));
                break;
        }
    }

    private long? SequenceOf(string? correlationId) =>
        correlationId is not null && correlationId.StartsWith(_correlationPrefix, StringComparison.Ordinal)
        && long.TryParse(correlationId.AsSpan(_correlationPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;

    // Waits until remaining() is (about) zero, writing the progress line when it is due meanwhile.
    private async Task WaitAsync(Func<TimeSpan> remaining, CancellationToken cancellationToken, TimeSpan? longestWait = null)
    {
        while (remaining() is var delay && delay >= ShortestWait)
        {
            var untilProgress = _options.ProgressInterval - _time.GetElapsedTime(_lastProgressAt);
            var wait = Shorter(Shorter(delay, longestWait ?? delay), Longer(untilProgress, ShortestWait));
            await Task.Delay(_held.Count > 0 ? Shorter(wait, ReleaseInterval) : wait, _time, cancellationToken);
            await ReleaseHeldOutcomesAsync(force: false, cancellationToken);
            WriteProgressIfDue();
        }
    }

    // The drain lasts its full length unless every routed request has been answered and nothing has arrived for the
    // options' quiet period (or the drain, if shorter): the alerts those predictions cause come within moments of them.
    private TimeSpan DrainLeft(long drainStarted)
    {
        var left = _options.Drain - _time.GetElapsedTime(drainStarted);
        var answered = _ledger.PredictionsReceived >= _ledger.RequestsSent - _ledger.UnroutableRequests;
        var quiet = _time.GetElapsedTime(Math.Max(Interlocked.Read(ref _lastReceivedAt), drainStarted)) >= Shorter(_options.QuietPeriod, _options.Drain);
        return answered && quiet ? TimeSpan.Zero : left;
    }

    private void WriteProgressIfDue()
    {
        if (_time.GetElapsedTime(_lastProgressAt) >= _options.ProgressInterval)
            WriteProgress();
    }

    private void WriteProgress()
    {
        var now = _time.GetTimestamp();
        var seconds = _time.GetElapsedTime(_lastProgressAt, now).TotalSeconds;
        var rate = seconds > 0 ? (_events - _eventsAtLastProgress) / seconds : 0;
        _lastProgressAt = now;
        _eventsAtLastProgress = _events;
        var requests = _ledger.RequestsSent;
        if (requests >= 100 && _ledger.PredictionsReceived == 0 && _time.GetElapsedTime(_started, now) >= SilenceWarning)
        {
            Warn(ref _warnedSilence, string.Create(CultureInfo.InvariantCulture,
                $"no prediction has come back for {requests:N0} requests: is FeatureBuilder consuming its ingest queue and is model '{_options.Model}' served? Unanswered requests wait in the queue feature-builder-ingest-predictions."));
        }

        _progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stream {StreamNow:yyyy-MM-dd HH:mm} | requests {_ledger.RequestsSent:N0} | outcomes {_ledger.OutcomesSent:N0} | predictions {_ledger.PredictionsReceived:N0} | alerts {_ledger.AlertCount} | {rate:N0} events/s"));
    }

    private void Warn(ref int warned, string message)
    {
        if (Interlocked.Exchange(ref warned, 1) == 0)
            _progress.WriteLine("warning: " + message);
    }

    private static TimeSpan Longer(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
