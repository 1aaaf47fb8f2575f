using System.Text.Json;
using Contracts.Models;
using Contracts.Rollouts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Modeling.Cards;
using Retrainer.Consumers;
using Retrainer.Rollouts;

namespace Retrainer.Tests.Rollouts;

/// <summary>
/// What every Inference replica is told to load and how to split traffic, asked over the bus as a replica asks: the
/// champion alone without a rollout; champion and challenger with the rollout's strategy, share and arms while it runs
/// or is paused; the champion alone again once it ended.
/// </summary>
[Collection(BootstrapModelGroup.Name)]
public sealed class ServedModelsRoutesTests(BootstrapModelFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [DemoDataFact]
    public async Task Without_a_rollout_the_champion_alone_is_loaded_and_answers_everything()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);

        var served = await AskAsync(system);

        Assert.Equal(["1"], served.Models.Select(model => model.Version));
        Assert.Equal(new ModelRoute("flight-delay", "1"), Assert.Single(served.Routes));
    }

    [DemoDataFact]
    public Task A_running_shadow_rollout_loads_the_challenger_and_routes_its_share() =>
        RunningRolloutIsServedAsync(RolloutStrategies.Shadow, 0.3);

    [DemoDataFact]
    public Task A_running_ab_rollout_loads_the_challenger_and_routes_its_share() =>
        RunningRolloutIsServedAsync(RolloutStrategies.AB, 0.2);

    private async Task RunningRolloutIsServedAsync(string strategy, double share)
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "3", strategy, "manual", Share: share), None)).RolloutId!;

        var served = await AskAsync(system);

        Assert.Equal(["1", "3"], served.Models.Select(model => model.Version).Order());
        Assert.Equal("3", ModelCardOf(served, "3").Version);
        var route = Assert.Single(served.Routes);
        Assert.Equal(("1", id, strategy, "3", share, (IReadOnlyList<BanditArm>?)null),
            (route.ChampionVersion, route.RolloutId, route.Strategy, route.ChallengerVersion, route.ChallengerShare, route.Arms));
    }

    [DemoDataFact]
    public async Task A_canary_routes_its_current_step_and_a_paused_one_keeps_it()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Canary, "manual", Steps: [0.1, 0.4, 1]), None)).RolloutId!;
        Assert.Equal(0.1, Assert.Single((await AskAsync(system)).Routes).ChallengerShare);

        await system.Manager.NextStepAsync("flight-delay", id, "passed", None);
        await system.Manager.PauseAsync("flight-delay", id, "looking", None);
        var served = await AskAsync(system);

        Assert.Equal(["1", "2"], served.Models.Select(model => model.Version).Order());
        Assert.Equal((RolloutStrategies.Canary, "2", 0.4), (served.Routes[0].Strategy, served.Routes[0].ChallengerVersion, served.Routes[0].ChallengerShare));
    }

    [DemoDataFact]
    public async Task A_bandit_route_carries_the_arms_as_last_set()
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.Bandit, "manual"), None)).RolloutId!;
        IReadOnlyList<BanditArm> arms = [new BanditArm("1", 7, 3), new BanditArm("2", 9, 1)];

        await system.Manager.UpdateArmsAsync("flight-delay", id, arms, None);
        var route = Assert.Single((await AskAsync(system)).Routes);

        Assert.Equal((RolloutStrategies.Bandit, "2"), (route.Strategy, route.ChallengerVersion));
        Assert.Equal(arms, route.Arms);
    }

    [DemoDataFact]
    public Task Once_a_rollout_is_promoted_only_the_new_champion_is_loaded() => EndedRolloutIsServedAsync(promote: true, champion: "2");

    [DemoDataFact]
    public Task Once_a_rollout_is_rolled_back_only_the_old_champion_is_loaded() => EndedRolloutIsServedAsync(promote: false, champion: "1");

    private async Task EndedRolloutIsServedAsync(bool promote, string champion)
    {
        using var system = await RolloutTestSystem.StartAsync(fixture.Bundle);
        var id = (await system.Manager.StartAsync(new RolloutStart("flight-delay", "2", RolloutStrategies.AB, "manual"), None)).RolloutId!;

        _ = promote
            ? await system.Manager.PromoteAsync("flight-delay", id, "better", None)
            : await system.Manager.RollbackAsync("flight-delay", id, "worse", None);
        var served = await AskAsync(system);

        Assert.Equal([champion], served.Models.Select(model => model.Version));
        Assert.Equal(new ModelRoute("flight-delay", champion), Assert.Single(served.Routes));
    }

    private static ModelCard ModelCardOf(ServedModelsResponse served, string version) =>
        JsonSerializer.Deserialize<ModelCard>(served.Models.Single(model => model.Version == version).CardJson, ModelCardJson.Options)!;

    // The consumer on MassTransit's in-memory test harness, asked with a request client like a replica asks. A fault of
    // the consumer comes back as the request's exception (RequestFaultException), so the answer alone shows there was
    // none; the timeout only bounds a failing test on two busy cores.
    private static async Task<ServedModelsResponse> AskAsync(RolloutTestSystem system)
    {
        await using var services = new ServiceCollection()
            .AddSingleton(system.Registry)
            .AddSingleton(system.Manager)
            .AddSingleton<TimeProvider>(system.Time)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<ServedModelsRequestConsumer>())
            .BuildServiceProvider(validateScopes: true);
        var harness = services.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromMinutes(3);
        await harness.Start();
        try
        {
            var client = harness.GetRequestClient<ServedModelsRequest>();
            var response = await client.GetResponse<ServedModelsResponse>(new ServedModelsRequest("flight-delay"), timeout: RequestTimeout.After(m: 2));
            return response.Message;
        }
        finally
        {
            await harness.Stop();
        }
    }
}
