namespace Replay.Tests;

public sealed class ReplayCommandLineTests
{
    [Fact]
    public void Every_option_is_read()
    {
        var (options, errors) = ReplayCommandLine.Parse(
        [
            "--from", "2001-01-15", "--to", "2001-03-01T06:00", "--sample", "0.02", "--speed", "50000", "--max-rate", "800",
            "--lead", "90m", "--outcome-lag", "02:30:00", "--outcome-hold", "5", "--drain", "15", "--quiet-period", "1.5", "--progress", "2s", "--amqp", "amqp://u:p@broker:5673/replay",
            "--model", "m", "--cloudevents", "--no-outcomes", "--data", "f.parquet", "--report", "r.md", "--json", "r.json",
            "--training-from", "2001-03-01", "--training-to", "2001-04-01",
        ], out var help);

        Assert.Empty(errors);
        Assert.False(help);
        Assert.Equal(new ReplayOptions
        {
            From = new DateTime(2001, 1, 15),
            To = new DateTime(2001, 3, 1, 6, 0, 0),
            Sample = 0.02,
            Speed = 50_000,
            MaxRate = 800,
            Lead = TimeSpan.FromMinutes(90),
            OutcomeLag = TimeSpan.FromHours(2.5),
            OutcomeHold = TimeSpan.FromSeconds(5),
            Drain = TimeSpan.FromSeconds(15),
            QuietPeriod = TimeSpan.FromSeconds(1.5),
            ProgressInterval = TimeSpan.FromSeconds(2),
            Amqp = new Uri("amqp://u:p@broker:5673/replay"),
            Model = "m",
            CloudEvents = true,
            SkipOutcomes = true,
            DataFile = "f.parquet",
            ReportFile = "r.md",
            JsonFile = "r.json",
            TrainingFrom = new DateTime(2001, 3, 1),
            TrainingTo = new DateTime(2001, 4, 1),
        }, options);
    }

    [Fact]
    public void No_arguments_is_the_full_replay_at_20000_times()
    {
        var (options, errors) = ReplayCommandLine.Parse([], out _);

        Assert.Empty(errors);
        Assert.Equal((new DateTime(2001, 1, 1), new DateTime(2001, 7, 1), 20_000.0, 1.0, TimeSpan.FromHours(1)),
            (options!.From, options.To, options.Speed, options.Sample, options.Lead));
    }

    [Theory]
    [InlineData("--sample", "0", "--sample must be in (0, 1]")]
    [InlineData("--sample", "abc", "--sample: 'abc' is not a number")]
    [InlineData("--speed", "-1", "--speed must be a positive number")]
    [InlineData("--lead", "60", "--lead: '60' is not a duration")]
    [InlineData("--from", "2001-08-01", "--from (2001-08-01T00:00:00) must be before --to")]
    [InlineData("--amqp", "http://x/", "--amqp must be an amqp:// or amqps:// URI")]
    [InlineData("--quiet-period", "-1", "--quiet-period must not be negative")]
    [InlineData("--bogus", "1", "--bogus: unknown option")]
    [InlineData("--period", "week", "--period: 'week' is not a period")]
    [InlineData("--label-field", "weather", "--time-field and --label-field need --card")]
    public void A_bad_value_is_an_error_naming_the_option(string option, string value, string expected)
    {
        var (options, errors) = ReplayCommandLine.Parse([option, value], out _);

        Assert.Null(options);
        Assert.Contains(errors, error => error.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Another_model_is_its_card_its_records_file_their_fields_and_a_period()
    {
        var card = TestSupport.RepositoryFiles.Find("demo/seattle-weather/model-card.json");

        var (options, errors) = ReplayCommandLine.Parse(
            ["--card", card, "--data", "w.csv", "--time-field", "day", "--label-field", "weather", "--period", "quarter", "--model", "seattle-weather"], out _);

        Assert.Empty(errors);
        Assert.Equal((card, "w.csv", "day", "weather", Replay.Results.ReplayPeriod.Quarter), (options!.Card, options.DataFile, options.TimeField, options.LabelField, options.Period));
    }

    [Fact]
    public void A_card_without_a_records_file_is_an_error()
    {
        var (_, errors) = ReplayCommandLine.Parse(["--card", TestSupport.RepositoryFiles.Find("demo/seattle-weather/model-card.json")], out _);

        Assert.Equal(["--card needs --data: the records file to replay"], errors);
    }

    [Fact]
    public void An_option_without_its_value_is_an_error()
    {
        var (_, errors) = ReplayCommandLine.Parse(["--speed"], out _);

        Assert.Equal(["--speed needs a value"], errors);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("1.5h", 5400)]
    [InlineData("2d", 172_800)]
    [InlineData("00:01:30", 90)]
    public void Durations_take_a_unit_or_a_clock_time(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ReplayCommandLine.Duration(text, plainSeconds: false));
}
