using System.Text.Json;
using Contracts.Models;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Modeling.Cards;
using Retrainer.Consumers;
using Retrainer.Tests.Rollouts;

namespace Retrainer.Tests.Registry;

/// <summary>
/// The live reference Monitor built for a version without one becomes the version's card reference (source live), so a
/// restarted Monitor reads it from the card; a version that has a reference keeps it.
/// </summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class LiveReferenceBuiltConsumerTests(BootstrapModelFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly ReferenceStatistics Live = new()
    {
        Rows = 1000,
        Columns = [new ColumnStatistics { Column = "distance", Kind = ColumnKind.Continuous, Count = 1000, Mean = 700, StandardDeviation = 400 }],
    };

    [DemoDataFact]
    public async Task A_version_without_a_reference_gets_the_live_one_in_its_card()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        await system.Registry.SetReferenceAsync("flight-delay", "2", new ReferenceStatistics(), null, None);

        await ConsumeAsync(system, new LiveReferenceBuilt("flight-delay", "2", JsonSerializer.Serialize(Live, ModelCardJson.Options), DateTimeOffset.UnixEpoch));

        var reference = (await system.Registry.DescribeAsync("flight-delay", "2", None))!.Card.Reference!;
        Assert.Equal(("live", 1000L, "distance"), (reference.Source, reference.Rows, reference.Columns[0].Column));
    }

    [DemoDataFact]
    public async Task A_version_with_a_reference_keeps_it()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var before = (await system.Registry.DescribeAsync("flight-delay", "2", None))!.Card.Reference;
        Assert.NotNull(before);

        await ConsumeAsync(system, new LiveReferenceBuilt("flight-delay", "2", JsonSerializer.Serialize(Live, ModelCardJson.Options), DateTimeOffset.UnixEpoch));

        Assert.Equal(JsonSerializer.Serialize(before, ModelCardJson.Options),
            JsonSerializer.Serialize((await system.Registry.DescribeAsync("flight-delay", "2", None))!.Card.Reference, ModelCardJson.Options));
    }

    private static async Task ConsumeAsync(RolloutTestSystem system, LiveReferenceBuilt message)
    {
        await using var services = new ServiceCollection()
            .AddSingleton(system.Registry)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<LiveReferenceBuiltConsumer>())
            .BuildServiceProvider(validateScopes: true);
        var harness = services.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromMinutes(3);
        // The wait ends when the message is consumed, not after a quiet moment of a busy machine.
        harness.TestInactivityTimeout = harness.TestTimeout;
        await harness.Start();
        try
        {
            await harness.Bus.Publish(message);
            var consumed = await harness.GetConsumerHarness<LiveReferenceBuiltConsumer>().Consumed.SelectAsync<LiveReferenceBuilt>().First();
            Assert.Null(consumed.Exception);
        }
        finally
        {
            await harness.Stop();
        }
    }
}
