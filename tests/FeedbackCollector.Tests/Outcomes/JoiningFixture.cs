using Contracts.Outcomes;
using FeedbackCollector.Outcomes;
using FeedbackCollector.Predictions;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

namespace FeedbackCollector.Tests.Outcomes;

/// <summary>
/// The joiner on the real embedded stores (the prediction log and the outcomes in one temporary SQLite file, as
/// the service keeps them), a clock the test moves, and MassTransit's test harness as the bus, which records
/// every <see cref="OutcomeRecorded"/> published.
/// </summary>
public sealed class JoiningFixture : IAsyncDisposable
{
    private readonly StorageOptions _storage = new() { DataFolder = Path.Combine(Path.GetTempPath(), $"joining-{Guid.NewGuid():N}") };
    private readonly EmbeddedDatabase _database;
    private readonly ServiceProvider _services;

    private JoiningFixture(ManualClock clock, FeedbackOptions options, Func<IDocuments<Outcome>, IDocuments<Outcome>>? decorate)
    {
        Clock = clock;
        _database = TestDatabases.Embedded(_storage);
        _services = new ServiceCollection()
            .AddSingleton(new PredictionStore(_database))
            .AddSingleton(new OutcomeStore(decorate is null ? _database : _database.Wrapping(decorate)))
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton(Options.Create(options))
            .AddSingleton<FeedbackMetrics>()
            .AddSingleton<OutcomeJoiner>()
            .AddSingleton<OutcomeSweep>()
            .AddMetrics()
            .AddLogging()
            .AddMassTransitTestHarness()
            .BuildServiceProvider(validateScopes: true);
    }

    public ManualClock Clock { get; }

    public IServiceProvider Services => _services;

    public PredictionStore Log => _services.GetRequiredService<PredictionStore>();

    public OutcomeStore Store => _services.GetRequiredService<OutcomeStore>();

    public OutcomeJoiner Joiner => _services.GetRequiredService<OutcomeJoiner>();

    public OutcomeSweep Sweep => _services.GetRequiredService<OutcomeSweep>();

    /// <summary>Every <see cref="OutcomeRecorded"/> published so far.</summary>
    public List<OutcomeRecorded> Recorded => Harness.Published.Select<OutcomeRecorded>().Select(published => published.Context.Message).ToList();

    private ITestHarness Harness => _services.GetRequiredService<ITestHarness>();

    /// <summary>Starts the joiner; <paramref name="decorate"/> may wrap the outcome store's collection (to hold writers at a point).</summary>
    public static async Task<JoiningFixture> StartAsync(DateTimeOffset now, FeedbackOptions? options = null, Func<IDocuments<Outcome>, IDocuments<Outcome>>? decorate = null)
    {
        var fixture = new JoiningFixture(new ManualClock(now), options ?? new FeedbackOptions(), decorate);
        await fixture.Harness.Start();
        return fixture;
    }

    /// <summary>Logs predictions and joins the outcomes waiting for them, as the PredictionsMade consumer does.</summary>
    public async Task ArriveAsync(params Contracts.Predictions.PredictionMade[] predictions)
    {
        await Log.AddManyAsync(predictions, CancellationToken.None);
        await Joiner.JoinArrivedAsync(predictions, CancellationToken.None);
    }

    public Task<IReadOnlyList<OutcomeReceipt>> ReceiveAsync(params Outcome[] outcomes) =>
        Joiner.ReceiveAsync(outcomes, OutcomeJoiner.HttpChannel, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _services.DisposeAsync();
        _database.Dispose();
        if (Directory.Exists(_storage.DataFolder))
            Directory.Delete(_storage.DataFolder, recursive: true);
    }
}
