using System.Globalization;

namespace Replay;

/// <summary>Turns the tool's arguments into <see cref="ReplayOptions"/>, naming the option in every error.</summary>
public static class ReplayCommandLine
{
    /// <summary>The usage text printed for <c>--help</c> and after an error.</summary>
    public const string Usage = """
        usage: replay [options]    (scripts/replay.sh [options]; docs/replay.md)
          Without --card: the demo flights for flight-delay. With --card and --data: any records file for any model.
          --card FILE            the model's card: its features are sent, its task and label rule judge the predictions
          --data FILE            the records (CSV, JSON Lines, Parquet); without --card a flights parquet file
                                 (default: the fetched demo data)
          --time-field NAME      with --card: the field holding each record's time (default date)
          --label-field NAME     with --card: the field holding the outcome (default: the card's label.field)
          --period P             month, quarter or year: one row of the report per period (default month)
          --from DATE            first record time (scheduled departure) replayed (default 2001-01-01)
          --to DATE              end of the replay, exclusive (default 2001-07-01)
          --sample F             share of records, chosen by a hash of the record's entity key (default 1)
          --speed N              stream time runs N times faster than wall time (default 20000)
          --max-rate R           at most R events (requests + outcomes) per second (default: no cap)
          --lead DURATION        request the prediction this long before the record's time (default 1h)
          --outcome-lag DURATION publish the outcome this long after it is known: the record's time, for a
                                 flight its departure + delay (default 0)
          --outcome-hold DURATION
                                 an outcome due before its prediction came back waits this long for it (default 10s)
          --drain DURATION       keep listening up to this long after the last event; ends once every request
                                 is answered and nothing came for the quiet period (default 30s)
          --quiet-period DURATION
                                 how long nothing must arrive for the drain to end early (default 10s)
          --progress DURATION    progress line every (default 5s)
          --amqp URI             broker and virtual host (default amqp://guest:guest@127.0.0.1:5672/)
          --model NAME           model to ask (default flight-delay)
          --cloudevents          send CloudEvents instead of plain JSON
          --no-outcomes          send prediction requests only
          --report FILE          also write the Markdown report there
          --json FILE            write the JSON report there
          --training-from DATE, --training-to DATE
                                 the served model's training period (default January 2001)
          --baseline FOLDER      also score every record with this model bundle (e.g. .data/models/flight-delay/1)
                                 and report its metric per period on the same records
        DURATION: 90s, 15m, 1h, 2d or hh:mm:ss; --outcome-hold, --drain, --quiet-period and --progress also take plain seconds.
        """;

    private static readonly string[] Flags = ["--cloudevents", "--no-outcomes", "--help", "-h"];

    private static readonly string[] ValueOptions =
    [
        "--from", "--to", "--sample", "--speed", "--max-rate", "--lead", "--outcome-lag", "--outcome-hold", "--drain", "--quiet-period", "--progress",
        "--amqp", "--model", "--data", "--card", "--time-field", "--label-field", "--period", "--report", "--json", "--training-from", "--training-to", "--baseline",
    ];

    /// <summary>The options, or the errors naming the option; <paramref name="help"/> says whether <c>--help</c> was given.</summary>
    public static (ReplayOptions? Options, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> args, out bool help)
    {
        ArgumentNullException.ThrowIfNull(args);
        help = false;
        var options = new ReplayOptions();
        var errors = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (Flags.Contains(name))
            {
                switch (name)
                {
                    case "--cloudevents":
                        options = options with { CloudEvents = true };
                        break;
                    case "--no-outcomes":
                        options = options with { SkipOutcomes = true };
                        break;
                    default:
                        help = true;
                        break;
                }

                continue;
            }

            if (!ValueOptions.Contains(name))
            {
                errors.Add($"{name}: unknown option");
                continue;
            }

            if (i + 1 >= args.Count)
            {
                errors.Add($"{name} needs a value");
                break;
            }

            var value = args[++i];
            try
            {
                options = name switch
                {
                    "--from" => options with { From = Date(value) },
                    "--to" => options with { To = Date(value) },
                    "--sample" => options with { Sample = Number(value) },
                    "--speed" => options with { Speed = Number(value) },
                    "--max-rate" => options with { MaxRate = Number(value) },
                    "--lead" => options with { Lead = Duration(value, plainSeconds: false) },
                    "--outcome-lag" => options with { OutcomeLag = Duration(value, plainSeconds: false) },
                    "--outcome-hold" => options with { OutcomeHold = Duration(value, plainSeconds: true) },
                    "--drain" => options with { Drain = Duration(value, plainSeconds: true) },
                    "--quiet-period" => options with { QuietPeriod = Duration(value, plainSeconds: true) },
                    "--progress" => options with { ProgressInterval = Duration(value, plainSeconds: true) },
                    "--amqp" => options with { Amqp = Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new FormatException($"'{value}' is not an absolute URI") },
                    "--model" => options with { Model = value },
                    "--data" => options with { DataFile = value },
                    "--card" => options with { Card = value },
                    "--time-field" => options with { TimeField = value },
                    "--label-field" => options with { LabelField = value },
                    "--period" => options with { Period = Results.ReplayPeriods.Parse(value) },
                    "--report" => options with { ReportFile = value },
                    "--json" => options with { JsonFile = value },
                    "--training-from" => options with { TrainingFrom = Date(value) },
                    "--training-to" => options with { TrainingTo = Date(value) },
                    "--baseline" => options with { BaselineFolder = value },
                    _ => throw new FormatException("unknown option"),
                };
            }
            catch (FormatException exception)
            {
                errors.Add($"{name}: {exception.Message}");
            }
        }

        if (errors.Count == 0)
            errors.AddRange(options.Validate());
        return (errors.Count == 0 ? options : null, errors);
    }

    /// <summary>
    /// A duration: <c>90s</c>, <c>15m</c>, <c>1h</c>, <c>2d</c>, <c>1.5h</c> or <c>hh:mm:ss</c>; a plain number is
    /// seconds where <paramref name="plainSeconds"/> allows it (elsewhere the unit would be a guess).
    /// </summary>
    public static TimeSpan Duration(string value, bool plainSeconds)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span)
                ? span
                : throw new FormatException($"'{value}' is not a duration (hh:mm:ss)");
        }

        var unit = text.Length > 0 ? text[^1] : ' ';
        Func<double, TimeSpan>? of = unit switch
        {
            's' => TimeSpan.FromSeconds,
            'm' => TimeSpan.FromMinutes,
            'h' => TimeSpan.FromHours,
            'd' => TimeSpan.FromDays,
            _ => null,
        };
        if (of is not null && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            return of(amount);
        if (plainSeconds && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return TimeSpan.FromSeconds(seconds);
        throw new FormatException($"'{value}' is not a duration (90s, 15m, 1h, 2d or hh:mm:ss{(plainSeconds ? ", or seconds" : "")})");
    }

    private static DateTime Date(string value) =>
        DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? DateTime.SpecifyKind(date, DateTimeKind.Unspecified)
            : throw new FormatException($"'{value}' is not a date (2001-01-01 or 2001-01-01T06:00)");

    private static double Number(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw new FormatException($"'{value}' is not a number");
}
