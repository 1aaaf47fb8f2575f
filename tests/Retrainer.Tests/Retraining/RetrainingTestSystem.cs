using Contracts.Retraining;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Modeling.Bundles;
using Modeling.Flights;
using Retrainer.Demo;
using Retrainer.Registry;
using Retrainer.Retraining;
using Retrainer.Rollouts;
using Retrainer.Tests.Rollouts;
using ServiceDefaults.Storage;

namespace Retrainer.Tests.Retraining;

/// <summary>
/// The Retrainer's retraining parts on real stores: a models folder whose champion (version 1) is a deliberately weak
/// flight-delay model (2 trees on 500 January 2001 flights), the stores of labelled rows, jobs and rollouts on one SQLite database, the
/// real rollout manager, the flights demo's retraining additions (<see cref="FlightDelayRetraining"/>, as the host registers
/// them), and challengers trained small (few trees) so a job takes a second or two. Every part reads the clock the test
/// sets (<see cref="Time"/>).
/// </summary>
public sealed class RetrainingTestSystem : IDisposable
{
    private static readonly Lazy<Task<Flights>> DemoFlights = new(ReadFlightsAsync);
    private readonly string _folder;
    private readonly EmbeddedDatabase _database;

    private RetrainingTestSystem(string folder, ManualClock time, ModelRegistry registry, RetrainingOptions options, FlightDelayRetrainingOptions demo)
    {
        _folder = folder;
        Time = time;
        Registry = registry;
        Options = options;
        _database = new EmbeddedDatabase(Path.Combine(folder, "retrainer.db"));
        Rows = new LabelledRowStore(_database, Time);
        JobStore = new RetrainingJobStore(_database);
        Rollouts = new RolloutManager(new RolloutStore(_database), registry, new RolloutTestSystem.RecordedRolloutEvents(),
            Microsoft.Extensions.Options.Options.Create(new RolloutOptions()), Time);
        Jobs = new RetrainingJobs(JobStore, registry, Time, NullLogger<RetrainingJobs>.Instance);
        Run = new RetrainingRun(Rows, registry, Rollouts, new ExternalTrainer(Requested, Time, NullLogger<ExternalTrainer>.Instance), [new FlightDelayRetraining(Microsoft.Extensions.Options.Options.Create(demo))],
            Microsoft.Extensions.Options.Options.Create(options), Microsoft.Extensions.Options.Options.Create(new RegistryOptions()), Time, NullLogger<RetrainingRun>.Instance);
    }

    /// <summary>The clock of every part; it moves only when the test moves it.</summary>
    public ManualClock Time { get; }

    public ModelRegistry Registry { get; }

    public RetrainingOptions Options { get; }

    public LabelledRowStore Rows { get; }

    public RetrainingJobStore JobStore { get; }

    public RolloutManager Rollouts { get; }

    public RetrainingJobs Jobs { get; }

    public RetrainingRun Run { get; }

    /// <summary>What jobs asked of external trainers, in order.</summary>
    public RecordedRetrainingEvents Requested { get; } = new();

    /// <summary>Small, fast challengers; the recent window of two weeks, at least 200 rows.</summary>
    public static RetrainingOptions FastOptions() => new()
    {
        Trees = 30,
        Leaves = 16,
        MinimumRowsPerLeaf = 20,
        MinRows = 200,
        RecentWindow = TimeSpan.FromDays(14),
        HoldoutShare = 0.25,
        Margin = 0,
        RolloutStrategy = "canary",
    };

    /// <summary>The demo's settings: airports with at least 5 training rows enter a challenger's vocabulary.</summary>
    public static FlightDelayRetrainingOptions FastDemoOptions() => new() { MinimumAirportFlights = 5 };

    /// <summary>January and February 2001 from the demo data, or a skipped test when it is missing.</summary>
    public static async Task<Flights> FlightsAsync()
    {
        Skip.If(DemoData.FindFlightsFile() is null, "the demo data is missing: run scripts/fetch-demo-data.sh (scripts/test.sh does)");
        return await DemoFlights.Value;
    }

    public static async Task<RetrainingTestSystem> StartAsync(RetrainingOptions? options = null, FlightDelayRetrainingOptions? demo = null)
    {
        var flights = await FlightsAsync();
        return await StartWithAsync(flights.Champion, options ?? FastOptions(), demo ?? FastDemoOptions());
    }

    /// <summary>A system whose registry serves <paramref name="champion"/> (registered as its model's first version, its champion).</summary>
    public static async Task<RetrainingTestSystem> StartWithAsync(ModelBundle champion, RetrainingOptions options, FlightDelayRetrainingOptions? demo = null)
    {
        ArgumentNullException.ThrowIfNull(champion);
        var folder = Path.Combine(Path.GetTempPath(), $"retraining-{Guid.NewGuid():N}");
        var time = new ManualClock();
        var registry = new ModelRegistry(new ModelStore(new EmbeddedDatabase(Path.Combine(folder, "registry.db")), new FolderModelFiles(Path.Combine(folder, "models"))), time);
        var registered = await registry.RegisterAsync(champion, "bootstrap", CancellationToken.None);
        if (registered.Outcome != RegistrationOutcome.Registered)
            throw new InvalidOperationException($"the champion was not registered: {registered.Outcome}");
        return new RetrainingTestSystem(folder, time, registry, options, demo ?? FastDemoOptions());
    }

    /// <summary>
    /// The flights as labelled rows, observed at their departure (as a replay would send them). The outcome ids follow
    /// the flights' order: the store and the data selection order flights of the same minute by outcome id, so random
    /// ids would move the hold-out boundary, the cut of the earlier rows and the training order from run to run.
    /// </summary>
    public static List<LabelledRow> RowsOf(IEnumerable<FlightRecord> flights, string model = FlightDelayModel.Name) =>
        [.. flights.Select((flight, index) => new LabelledRow(
            model,
            OutcomeIdOf(index),
            "1",
            new DateTimeOffset(flight.Date, TimeSpan.Zero),
            JsonSerializer.Serialize(new
            {
                date = flight.Date.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                distance = flight.Distance,
                origin = flight.Origin,
                destination = flight.Destination,
            }),
            flight.Delay,
            null))];

    /// <summary>The id of the <paramref name="index"/>th row: the index in the last 12 hex digits, so ids sort as text and as <see cref="Guid"/> in the rows' order.</summary>
    public static Guid OutcomeIdOf(int index) => Guid.Parse($"00000000-0000-0000-0000-{index:x12}", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Jobs.Dispose();
        Rollouts.Dispose();
        _database.Dispose();
        Registry.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private static async Task<Flights> ReadFlightsAsync()
    {
        var file = DemoData.RequireFlightsFile();
        var january = await FlightDelayTrainer.ReadWindowAsync(file, new DateTime(2001, 1, 1), new DateTime(2001, 2, 1), 3_000, CancellationToken.None);
        var february = await FlightDelayTrainer.ReadWindowAsync(file, new DateTime(2001, 2, 1), new DateTime(2001, 3, 1), 6_000, CancellationToken.None);
        var weak = new FlightDelayTrainer(new ManualClock()).Train(january[..500], january[500..1000], new FlightDelayTrainingOptions
        {
            Version = "1",
            Trigger = "bootstrap",
            Trees = 2,
            Leaves = 4,
            MinimumRowsPerLeaf = 50,
            MinimumAirportFlights = 10,
        });
        return new Flights(january, february, weak.Bundle);
    }

    /// <summary>Demo flights and the weak champion trained on January.</summary>
    public sealed record Flights(List<FlightRecord> January, List<FlightRecord> February, ModelBundle Champion);

    /// <summary>Records what jobs ask of external trainers.</summary>
    public sealed class RecordedRetrainingEvents : IRetrainingEvents
    {
        public List<RetrainingRequested> Requests { get; } = [];

        public Task RequestedAsync(RetrainingRequested requested, CancellationToken cancellationToken)
        {
            Requests.Add(requested);
            return Task.CompletedTask;
        }
    }
}
