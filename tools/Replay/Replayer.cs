using System.Globalization;
using Modeling.Flights;
using Replay.Broker;
using Replay.Flights;
using Replay.Messages;
using Replay.Results;
using Replay.Streaming;

namespace Replay;

/// <summary>
/// Plays flights through a running platform as another system would: a prediction request on
/// <c>platform.ingest</c> before each departure and the true delay once the flight has left, on a stream clock
/// running <see cref="ReplayOptions.Speed"/> times faster than wall time; meanwhile it listens on
/// <c>platform.events</c> for the predictions (to measure live AUC per month itself, from the probabilities and
/// the true labels) and for the alerts (recording the stream time each arrived at). The command line
/// (<c>Program.cs</c>) and the integration tests both run it.
/// </summary>
public sealed class Replayer
{
    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(1);
    private readonly ReplayOptions _options;
    private readonly IReplayBroker _broker;
    private readonly TimeProvider _time;
    private readonly TextWriter _progress;
    private readonly ReplayLedger _ledger;
    private readonly StreamPositionLog _positions = new();
    private readonly string _correlationPrefix;
    private StreamClock? _clock;
    private long _nextEventTicks = long.MaxValue;
    private long _lastEventTicks;
    private volatile bool _finished;
    private long _lastProgressAt;
    private long _eventsAtLastProgress;
    private long _events;
    private int _warnedRequests, _warnedOutcomes, _warnedUnreadable;

    /// <summary>A replay of <paramref name="options"/> over <paramref name="broker"/>, progress lines to <paramref name="progress"/>.</summary>
    public Replayer(ReplayOptions options, IReplayBroker broker, TimeProvider time, TextWriter progress)
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
        _ledger = new ReplayLedger(options.From);
        RunId = Guid.NewGuid().ToString("N")[..8];
        _correlationPrefix = RunId + ":";
    }

    /// <summary>This run's id: the prefix of its correlation ids (<c>&lt;run&gt;:&lt;flight number&gt;</c>).</summary>
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

    /// <summary>Connects to <see cref="ReplayOptions.Amqp"/>, replays the flights of the options' file and range, and reports.</summary>
    public static async Task<ReplayReport> RunAsync(ReplayOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var file = options.DataFile ?? DemoData.RequireFlightsFile();
        await using var broker = await RabbitMqReplayBroker.ConnectAsync(options.Amqp, cancellationToken);
        var replayer = new Replayer(options, broker, TimeProvider.System, progress);
        var flights = FlightSchedule.ReadAsync(file, options.From, options.To, new FlightSampler(options.Sample), cancellationToken);
        return await replayer.RunAsync(flights, cancellationToken);
    }

    /// <summary>
    /// Replays <paramref name="flights"/> (in departure order, already sampled), waits <see cref="ReplayOptions.Drain"/>
    /// for the last predictions and alerts, and reports. Cancelling stops the sending and skips the drain; the
    /// report then covers what was sent and says it is incomplete.
    /// </summary>
    public async Task<ReplayReport> RunAsync(IAsyncEnumerable<ScheduledFlight> flights, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flights);
        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        _lastProgressAt = started;
        await _broker.ListenAsync(_options.Model, Received, cancellationToken);

        var timeline = new EventTimeline(_options.Lead, _options.OutcomeLag, outcomes: !_options.SkipOutcomes);
        var pacer = new RatePacer(_time, _options.MaxRate);
        var completed = false;
        try
        {
            await foreach (var message in timeline.EventsAsync(flights, cancellationToken))
            {
                if (_clock is null)
                {
                    Volatile.Write(ref _clock, new StreamClock(_time, message.StreamTime, _options.Speed));
                    Interlocked.Exchange(ref _lastEventTicks, message.StreamTime.Ticks);
                }

                Interlocked.Exchange(ref _nextEventTicks, message.StreamTime.Ticks);
                var clock = _clock!;
                await WaitAsync(() => Longer(clock.DelayUntil(message.StreamTime), pacer.DelayBeforeNext()), cancellationToken);
                await SendAsync(message, cancellationToken);
                pacer.Sent();
                Interlocked.Exchange(ref _lastEventTicks, message.StreamTime.Ticks);
                _events++;
                WriteProgressIfDue();
            }

            _finished = true;
            WriteProgress();
            var drainEnds = _time.GetTimestamp();
            await WaitAsync(() => _options.Drain - _time.GetElapsedTime(drainEnds), cancellationToken);
            completed = true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _finished = true;
        }

        WriteProgress();
        return _ledger.Report(_options, startedAt, _time.GetElapsedTime(started), completed);
    }

    private async Task SendAsync(ReplayEvent message, CancellationToken cancellationToken)
    {
        var flight = message.Flight;
        var correlationId = string.Create(CultureInfo.InvariantCulture, $"{_correlationPrefix}{message.Sequence}");
        var now = _time.GetUtcNow();
        var contentType = _options.CloudEvents ? Contracts.Ingest.PublicExchanges.CloudEventsContentType : "application/json";
        if (message.Kind == ReplayEventKind.Request)
        {
            _ledger.RequestSent(message.Sequence, flight);
            _positions.Add(now, message.StreamTime);
            var body = ReplayMessages.Request(_options.Model, flight, correlationId, _options.CloudEvents, now);
            if (!await _broker.PublishAsync(ReplayMessages.RequestRoutingKey, contentType, correlationId, body, cancellationToken))
            {
                _ledger.Unroutable(outcome: false);
                Warn(ref _warnedRequests, $"no queue is bound to {ReplayMessages.RequestRoutingKey} on platform.ingest: requests are dropped (is FeatureBuilder running against this virtual host?)");
            }
        }
        else
        {
            var outcomeId = correlationId + ":outcome";
            _ledger.OutcomeSent(flight);
            var body = ReplayMessages.Outcome(_options.Model, flight, outcomeId, _options.CloudEvents, now);
            if (!await _broker.PublishAsync(ReplayMessages.OutcomeRoutingKey, contentType, outcomeId, body, cancellationToken))
            {
                _ledger.Unroutable(outcome: true);
                Warn(ref _warnedOutcomes, $"no queue is bound to {ReplayMessages.OutcomeRoutingKey} on platform.ingest: outcomes are dropped (is FeedbackCollector running, with its outcome ingest?)");
            }
        }
    }

    // Called on the broker's consumer thread for every message on the replay's queue.
    private void Received(string routingKey, ReadOnlyMemory<byte> body)
    {
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
                _ledger.Predicted(SequenceOf(prediction.CorrelationId), prediction.Probability, prediction.Version);
                break;
            case AlertReceived alert when alert.Model == _options.Model:
                var windowEnd = alert.WindowEnd is { } end ? _positions.StreamTimeAt(end) : null;
                var recorded = _ledger.Alerted(alert, StreamNow, windowEnd, _time.GetUtcNow());
                _progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ALERT {recorded.Kind} ({recorded.Rule}, version {recorded.ModelVersion}) at stream {recorded.StreamTime:yyyy-MM-dd HH:mm}: {recorded.Summary}"));
                break;
        }
    }

    private long? SequenceOf(string? correlationId) =>
        correlationId is not null && correlationId.StartsWith(_correlationPrefix, StringComparison.Ordinal)
        && long.TryParse(correlationId.AsSpan(_correlationPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;

    // Waits until remaining() is (about) zero, writing the progress line when it is due meanwhile.
    private async Task WaitAsync(Func<TimeSpan> remaining, CancellationToken cancellationToken)
    {
        while (remaining() is var delay && delay >= ShortestWait)
        {
            var untilProgress = _options.ProgressInterval - _time.GetElapsedTime(_lastProgressAt);
            await Task.Delay(Shorter(delay, Longer(untilProgress, ShortestWait)), _time, cancellationToken);
            WriteProgressIfDue();
        }
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
