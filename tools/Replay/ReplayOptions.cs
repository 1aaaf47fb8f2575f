namespace Replay;

/// <summary>
/// What a replay plays, how fast, where to, and where its report goes. Built from the command line by
/// <see cref="ReplayCommandLine"/> (docs/replay.md lists every option) or directly by a test. The defaults replay the
/// first demo, the flights of January–June 2001 for <c>flight-delay</c>; with <see cref="Card"/> and
/// <see cref="DataFile"/> it replays any records file for any model.
/// </summary>
public sealed record ReplayOptions
{
    /// <summary>The first record time (a flight's scheduled departure) replayed (inclusive). <c>--from</c>, default 2001-01-01.</summary>
    public DateTime From { get; init; } = new(2001, 1, 1);

    /// <summary>The end of the replayed record times (exclusive). <c>--to</c>, default 2001-07-01.</summary>
    public DateTime To { get; init; } = new(2001, 7, 1);

    /// <summary>
    /// The share of records replayed, chosen by a hash of each record's entity key so two runs take the same
    /// records. <c>--sample</c>, default 1 (every record).
    /// </summary>
    public double Sample { get; init; } = 1.0;

    /// <summary>How many times faster than wall time the stream runs. <c>--speed</c>, default 20,000.</summary>
    public double Speed { get; init; } = 20_000;

    /// <summary>The most events (requests and outcomes) sent per wall-clock second; none when null. <c>--max-rate</c>.</summary>
    public double? MaxRate { get; init; }

    /// <summary>How long before the record's time (a flight's scheduled departure) the prediction is requested. <c>--lead</c>, default 1 h.</summary>
    public TimeSpan Lead { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after the outcome is known the outcome is published: after the record's time, for a flight after its
    /// departure + delay (e.g. the flight time, if the delay should be known only at arrival). <c>--outcome-lag</c>, default 0.
    /// </summary>
    public TimeSpan OutcomeLag { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// How long an outcome that is due before its flight's prediction has come back waits for it (then it is sent
    /// anyway). The platform joins an outcome only to predictions made before it was observed; at a high speed-up
    /// the stream's lead (1 h is 0.18 s at 20,000×) can be shorter than the platform's latency, and without the wait
    /// such outcomes would never join. <c>--outcome-hold</c>, default 10 s; 0 sends every outcome on time.
    /// </summary>
    public TimeSpan OutcomeHold { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long to keep listening for predictions and alerts after the last event; it ends sooner once every request
    /// has been answered and nothing has arrived for <see cref="QuietPeriod"/> (or the drain, if shorter).
    /// <c>--drain</c>, default 30 s.
    /// </summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long nothing must arrive, once every request has been answered, for the drain to end early: the alerts and
    /// lifecycle events the last predictions cause come within moments of them, and the report holds only what came
    /// before the end. A caller that asks the platform itself for those (as the integration tests do) can make it short.
    /// <c>--quiet-period</c>, default 10 s.
    /// </summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a progress line is written. <c>--progress</c>, default 5 s.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The broker, virtual host in the path (<c>%2F</c> or nothing for <c>/</c>). <c>--amqp</c>.</summary>
    public Uri Amqp { get; init; } = new("amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>The model asked for predictions. <c>--model</c>, default flight-delay.</summary>
    public string Model { get; init; } = "flight-delay";

    /// <summary>Send CloudEvents 1.0 (structured mode) instead of plain JSON. <c>--cloudevents</c>.</summary>
    public bool CloudEvents { get; init; }

    /// <summary>Don't publish outcomes (predictions only). <c>--no-outcomes</c>.</summary>
    public bool SkipOutcomes { get; init; }

    /// <summary>
    /// The records file: with <see cref="Card"/> any CSV, JSON Lines or Parquet file; without, a flights parquet file
    /// with the demo data's columns (the fetched demo data when null). <c>--data</c>.
    /// </summary>
    public string? DataFile { get; init; }

    /// <summary>
    /// The model card (a bundle's <c>model-card.json</c> or a card template) that says what the model reads (its features,
    /// sent as the request's record), its task and labels, and its label rule (<c>label.field</c>, the outcome sent and
    /// judged by). Null: the flights demo (<see cref="Flights.FlightDelayCard"/>). <c>--card</c>.
    /// </summary>
    public string? Card { get; init; }

    /// <summary>With <see cref="Card"/>: the field holding each record's time (ISO 8601). <c>--time-field</c>, default <c>date</c>.</summary>
    public string TimeField { get; init; } = "date";

    /// <summary>With <see cref="Card"/>: the field holding each record's outcome; null: the card's <c>label.field</c>. <c>--label-field</c>.</summary>
    public string? LabelField { get; init; }

    /// <summary>The stretch of stream time the report gives a row to. <c>--period</c>, default month.</summary>
    public Results.ReplayPeriod Period { get; init; } = Results.ReplayPeriod.Month;

    /// <summary>Where the Markdown report is also written. <c>--report</c>.</summary>
    public string? ReportFile { get; init; }

    /// <summary>Where the JSON report is written. <c>--json</c>.</summary>
    public string? JsonFile { get; init; }

    /// <summary>
    /// The period the served model was trained on (default January 2001, the bootstrap model's window): the
    /// report counts the alerts that fired while the stream was in it. <c>--training-from</c>.
    /// </summary>
    public DateTime TrainingFrom { get; init; } = new(2001, 1, 1);

    /// <summary>The end of the training period (exclusive). <c>--training-to</c>, default 2001-02-01.</summary>
    public DateTime TrainingTo { get; init; } = new(2001, 2, 1);

    /// <summary>
    /// A model bundle folder (card and ONNX file, e.g. <c>.data/models/flight-delay/1</c>) the replay scores every
    /// record with itself, for a baseline metric per period on the same records. <c>--baseline</c>.
    /// </summary>
    public string? BaselineFolder { get; init; }

    /// <summary>Every problem with these options, naming the option; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (From >= To)
            errors.Add($"--from ({From:s}) must be before --to ({To:s})");
        if (!(Sample > 0 && Sample <= 1))
            errors.Add($"--sample must be in (0, 1], got {Sample}");
        if (!(Speed > 0) || double.IsInfinity(Speed))
            errors.Add($"--speed must be a positive number, got {Speed}");
        if (MaxRate is { } rate && !(rate > 0))
            errors.Add($"--max-rate must be a positive number of events per second, got {rate}");
        if (Lead < TimeSpan.Zero)
            errors.Add($"--lead must not be negative, got {Lead}");
        if (OutcomeLag < TimeSpan.Zero)
            errors.Add($"--outcome-lag must not be negative, got {OutcomeLag}");
        if (OutcomeHold < TimeSpan.Zero)
            errors.Add($"--outcome-hold must not be negative, got {OutcomeHold}");
        if (Drain < TimeSpan.Zero)
            errors.Add($"--drain must not be negative, got {Drain}");
        if (QuietPeriod < TimeSpan.Zero)
            errors.Add($"--quiet-period must not be negative, got {QuietPeriod}");
        if (ProgressInterval <= TimeSpan.Zero)
            errors.Add($"--progress must be positive, got {ProgressInterval}");
        if (Amqp.Scheme is not ("amqp" or "amqps"))
            errors.Add($"--amqp must be an amqp:// or amqps:// URI, got '{Amqp}'");
        if (string.IsNullOrWhiteSpace(Model))
            errors.Add("--model must not be empty");
        if (BaselineFolder is { } baseline && !Directory.Exists(baseline))
            errors.Add($"--baseline: the folder '{baseline}' does not exist");
        if (Card is { } card && !File.Exists(card))
            errors.Add($"--card: the file '{card}' does not exist");
        if (Card is not null && DataFile is null)
            errors.Add("--card needs --data: the records file to replay");
        if (Card is null && (LabelField is not null || TimeField != "date"))
            errors.Add("--time-field and --label-field need --card (without it the flights demo is replayed)");
        if (string.IsNullOrWhiteSpace(TimeField))
            errors.Add("--time-field must not be empty");
        if (TrainingFrom >= TrainingTo)
            errors.Add($"--training-from ({TrainingFrom:s}) must be before --training-to ({TrainingTo:s})");
        return errors;
    }
}
