using Contracts.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Retrainer.Registry;
using Retrainer.Retraining;
using Retrainer.Tests.Retraining;

namespace Retrainer.Tests;

/// <summary>
/// The Retrainer as its host composes it (<see cref="RetrainerService.AddRetrainer"/>, embedded stores in a folder of
/// the test's own): every part that stamps a time reads the host's clock, the <see cref="TimeProvider"/> in DI.
/// </summary>
public sealed class RetrainerCompositionTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"retrainer-composition-{Guid.NewGuid():N}");
    private readonly ManualClock _clock = new(new DateTimeOffset(2001, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordedRegistrations _registrations = new();

    [Fact]
    public async Task Labelled_rows_are_stored_at_the_hosts_clock()
    {
        await using var services = Compose();
        var rows = services.GetRequiredService<LabelledRowStore>();
        await rows.AddAsync([new LabelledRow("flight-delay", RetrainingTestSystem.OutcomeIdOf(0), "1", _clock.Now, "{}", 1, null)], None);

        // Kept by a trim of the rows stored before the clock's time, dropped by a trim of those stored before a second later.
        Assert.Equal(0, await rows.TrimAsync("flight-delay", 100, _clock.Now, None));
        Assert.Equal(1, await rows.TrimAsync("flight-delay", 100, _clock.Now.AddSeconds(1), None));
    }

    [SkippableFact]
    public async Task A_version_is_registered_and_announced_at_the_hosts_clock()
    {
        var flights = await RetrainingTestSystem.FlightsAsync();
        await using var services = Compose();
        var registry = services.GetRequiredService<ModelRegistry>();

        await registry.RegisterAsync(flights.Champion, "test", None);
        _clock.Now = _clock.Now.AddHours(1);

        var described = await registry.DescribeAsync(flights.Champion.Card.Name, flights.Champion.Card.Version, None);
        Assert.Equal(_clock.Now.AddHours(-1), described!.RegisteredAt);
        Assert.Equal(_clock.Now.AddHours(-1), Assert.Single(_registrations.Registered).RegisteredAt);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private ServiceProvider Compose()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["Storage:DataFolder"] = Path.Combine(_folder, "store");
        builder.Configuration["Registry:ModelsFolder"] = Path.Combine(_folder, "models");
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.AddRetrainer();
        // Announcements go to the bus, which this test has none of.
        builder.Services.AddSingleton<IRegistryEvents>(_registrations);
        return builder.Services.BuildServiceProvider();
    }

    private sealed class RecordedRegistrations : IRegistryEvents
    {
        public List<ModelRegistered> Registered { get; } = [];

        public Task RegisteredAsync(ModelRegistered registered, CancellationToken cancellationToken)
        {
            Registered.Add(registered);
            return Task.CompletedTask;
        }

        public Task AliasesChangedAsync(ModelAliasesChanged changed, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
