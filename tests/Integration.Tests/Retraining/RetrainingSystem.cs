using System.Globalization;
using System.Text.Json;
using Contracts.Outcomes;
using Integration.Tests.Online;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Modeling.Flights;
using ServiceDefaults;

namespace Integration.Tests.Retraining;

/// <summary>
/// The distributed system (on its own copy of the test models folder, as every one), retraining small and fast (20 trees, at least 300
/// rows, a recent window of two weeks) with a margin of -1, so every challenger wins and the registration and rollout
/// path runs (strategy <c>single</c>: promoted at once); and a bus of the test's own to publish Monitor's and
/// FeedbackCollector's events as they would.
/// </summary>
public sealed class RetrainingSystem : DistributedSystem, IAsyncLifetime
{
    public const string RetrainingsPath = $"/api/v1/models/{TestModel.Name}/retrainings";
    public const string VersionsPath = $"/api/v1/models/{TestModel.Name}/versions";
    private IHost? _bus;

    public RetrainingSystem()
        : base(new Dictionary<string, string>
        {
            ["Retraining__MinRows"] = "300",
            ["Retraining__RecentWindow"] = "14.00:00:00",
            ["Retraining__HoldoutShare"] = "0.25",
            ["Retraining__Margin"] = "-1",
            ["Retraining__RolloutStrategy"] = "single",
            ["Retraining__Trees"] = "20",
            ["Retraining__Leaves"] = "16",
            ["Retraining__MinimumRowsPerLeaf"] = "20",
            ["Retraining__MinimumAirportFlights"] = "5",
        })
    {
    }

    /// <summary>Every flight whose outcome the tests published, in order.</summary>
    public List<FlightRecord> Published { get; } = [];

    /// <summary>The test's bus on the system's virtual host.</summary>
    public IBus Bus => _bus!.Services.GetRequiredService<IBus>();

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(BusSettings().Select(setting =>
            KeyValuePair.Create(setting.Key.Replace("__", ":", StringComparison.Ordinal), (string?)setting.Value)));
        builder.AddMessageBus();
        _bus = builder.Build();
        await _bus.StartAsync();
    }

    public new async Task DisposeAsync()
    {
        if (_bus is not null)
        {
            await _bus.StopAsync();
            _bus.Dispose();
        }

        await base.DisposeAsync();
    }

    /// <summary>February 2001 flights from the demo data, evenly spaced.</summary>
    public static async Task<List<FlightRecord>> FebruaryAsync(int count)
    {
        var flights = new List<FlightRecord>();
        await foreach (var flight in FlightsParquetReader.ReadAsync(DemoData.RequireFlightsFile(), new DateTime(2001, 2, 1), new DateTime(2001, 3, 1)))
            flights.Add(flight);
        var step = (double)flights.Count / count;
        return [.. Enumerable.Range(0, count).Select(i => flights[(int)(i * step)])];
    }

    /// <summary>Publishes each flight's outcome as FeedbackCollector would after joining it: the raw input and the delay, observed at departure.</summary>
    public async Task PublishOutcomesAsync(IReadOnlyList<FlightRecord> flights)
    {
        lock (Published)
            Published.AddRange(flights);
        var outcomes = flights.Select(flight => new OutcomeRecorded(
            Guid.NewGuid(), Guid.NewGuid(), TestModel.Name, TestModel.Version, null, "event", flight.Delay, null,
            JsonSerializer.SerializeToElement(new
            {
                date = flight.Date.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                distance = flight.Distance,
                origin = flight.Origin,
                destination = flight.Destination,
            }),
            [], null, null, null,
            new DateTimeOffset(flight.Date, TimeSpan.Zero), new DateTimeOffset(flight.Date, TimeSpan.Zero), DateTimeOffset.UtcNow)).ToList();
        foreach (var chunk in outcomes.Chunk(200))
            await Task.WhenAll(chunk.Select(outcome => Bus.Publish(outcome)));
    }

    /// <summary>
    /// Waits until the Retrainer has kept every outcome published so far: the broker counts each as acknowledged only
    /// once the batch holding it was written (see <see cref="RetrainerOutcomes"/>).
    /// </summary>
    public Task WaitUntilOutcomesAreKeptAsync()
    {
        int published;
        lock (Published)
            published = Published.Count;
        return RetrainerOutcomes.WaitUntilKeptAsync(VirtualHost, published, Deadlines.DistributedState, message => Failure(message));
    }

    private Dictionary<string, string> BusSettings() => new()
    {
        ["Messaging__Transport"] = "RabbitMq",
        ["Messaging__RabbitMq__Host"] = RabbitMqFixture.Host,
        ["Messaging__RabbitMq__Port"] = RabbitMqFixture.AmqpPort.ToString(CultureInfo.InvariantCulture),
        ["Messaging__RabbitMq__VirtualHost"] = VirtualHost,
        ["Messaging__RabbitMq__Username"] = RabbitMqFixture.Username,
        ["Messaging__RabbitMq__Password"] = RabbitMqFixture.Password,
    };
}
