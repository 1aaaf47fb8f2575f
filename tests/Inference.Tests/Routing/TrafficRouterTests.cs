using Contracts.Rollouts;
using Inference.Runtime;

namespace Inference.Tests.Routing;

/// <summary>
/// How a replica splits a model's traffic between champion and challenger, with a seeded random source. Where a test
/// asserts a share of random draws, the comment next to it gives the probability that a correct router fails it with
/// any seed (all below one in a million); with the seed the test uses, the verdict is the same on every run.
/// </summary>
public sealed class TrafficRouterTests
{
    private const string Champion = "1";
    private const string Challenger = "2";
    private const int Records = 20_000;

    [Fact]
    public void Without_a_rollout_the_champion_answers_every_record()
    {
        var random = new Random(1);
        var route = new ModelRoute("flights", Champion);

        Assert.All(Enumerable.Range(0, 1_000), i => Assert.False(Answers(route, $"key-{i}", random)));
        Assert.False(TrafficRouter.Shadows(route, random));
    }

    [Theory]
    [InlineData(RolloutStrategies.AB)]
    [InlineData(RolloutStrategies.Canary)]
    public void Each_entity_key_always_gets_the_same_version_and_the_challenger_gets_its_share_of_keys(string strategy)
    {
        var route = new ModelRoute("flights", Champion, "rollout-7", strategy, Challenger, 0.3);
        var keys = Enumerable.Range(0, Records).Select(i => $"key-{i}").ToList();

        var first = keys.Select(key => Answers(route, key, new Random(1))).ToList();
        // Another random source, another prediction id: the key alone decides.
        var again = keys.Select(key => TrafficRouter.ChallengerAnswers(route, Champion, Challenger, key, Guid.NewGuid(), new Random(2))).ToList();

        Assert.Equal(first, again);
        // Buckets are uniform: the challenger's count is Binomial(20,000, 0.3), sd 0.0032 of the share; a miss of
        // 0.02 is 6.2 sd, probability 7e-10 for a rollout id drawn at random.
        Assert.InRange(first.Count(challenger => challenger) / (double)Records, 0.3 - 0.02, 0.3 + 0.02);
    }

    [Fact]
    public void A_canary_that_grows_keeps_the_keys_its_challenger_already_had()
    {
        var small = new ModelRoute("flights", Champion, "rollout-8", RolloutStrategies.Canary, Challenger, 0.1);
        var large = small with { ChallengerShare = 0.5 };
        var random = new Random(1);

        var keys = Enumerable.Range(0, Records).Select(i => $"key-{i}").Where(key => Answers(small, key, random)).ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.True(Answers(large, key, random), key));
    }

    [Fact]
    public void A_record_without_an_entity_key_is_placed_by_its_prediction_id()
    {
        var route = new ModelRoute("flights", Champion, "rollout-9", RolloutStrategies.AB, Challenger, 0.5);
        var ids = Enumerable.Range(0, 1_000).Select(i => new Guid(i, 0, 0, new byte[8])).ToList();

        var answered = ids.Select(id => TrafficRouter.ChallengerAnswers(route, Champion, Challenger, null, id, new Random(1))).ToList();

        Assert.Equal(ids.Select(id => StickyBucket.Of("rollout-9", id.ToString("N")) < 0.5), answered);
        Assert.Equal(answered, ids.Select(id => TrafficRouter.ChallengerAnswers(route, Champion, Challenger, "", id, new Random(2))));
    }

    [Fact]
    public void A_bandit_without_outcomes_splits_traffic_evenly()
    {
        var route = Bandit(championRight: 0, championWrong: 0, challengerRight: 0, challengerWrong: 0);
        var random = new Random(3);

        var share = Enumerable.Range(0, Records).Count(i => Answers(route, $"key-{i}", random)) / (double)Records;

        // Two draws from Beta(1, 1): P(challenger) = 0.5, sd of the share 0.0035; a miss of 0.02 is 5.7 sd, probability 1.5e-8.
        Assert.InRange(share, 0.5 - 0.02, 0.5 + 0.02);
    }

    [Fact]
    public void A_bandit_gives_the_challenger_each_record_with_the_probability_that_its_draw_is_higher()
    {
        // Champion 0 of 2 right, challenger 3 of 3: the champion's draw from Beta(1, 3) beats the challenger's from
        // Beta(4, 1) with probability (s + 1)! (f + 1)! / (s + f + 2)! = 1 / C(7, 4) = 1/35 (s = 3 successes, f = 2 failures).
        var route = Bandit(championRight: 0, championWrong: 2, challengerRight: 3, challengerWrong: 0);
        var random = new Random(4);

        var championShare = Enumerable.Range(0, Records).Count(i => !Answers(route, $"key-{i}", random)) / (double)Records;

        // sd of the share 0.0012; a miss of 0.007 is 5.9 sd, probability 2.8e-9.
        Assert.InRange(championShare, (1 / 35.0) - 0.007, (1 / 35.0) + 0.007);
    }

    [Fact]
    public void A_bandit_sends_every_record_to_an_arm_that_was_always_right_over_one_that_was_always_wrong()
    {
        // Champion 0 of 10 right, challenger 40 of 40: the champion answers a record with probability 1 / C(52, 41) = 1.7e-11;
        // one of 50,000 records with probability 8.3e-7.
        var route = Bandit(championRight: 0, championWrong: 10, challengerRight: 40, challengerWrong: 0);
        var random = new Random(5);

        Assert.All(Enumerable.Range(0, 50_000), i => Assert.True(Answers(route, $"key-{i}", random)));
    }

    [Fact]
    public void The_same_seed_gives_the_same_choices()
    {
        var route = Bandit(championRight: 3, championWrong: 2, challengerRight: 4, challengerWrong: 2);
        var (first, second) = (new Random(42), new Random(42));

        var once = Enumerable.Range(0, 1_000).Select(i => Answers(route, $"key-{i}", first)).ToList();
        var twice = Enumerable.Range(0, 1_000).Select(i => Answers(route, $"key-{i}", second)).ToList();

        Assert.Equal(once, twice);
        Assert.Contains(true, once);
        Assert.Contains(false, once);
    }

    [Fact]
    public void A_shadow_rollout_answers_from_the_champion_and_has_the_challenger_score_its_share_of_requests()
    {
        var route = new ModelRoute("flights", Champion, "rollout-10", RolloutStrategies.Shadow, Challenger, 0.25);
        var random = new Random(6);

        Assert.All(Enumerable.Range(0, 1_000), i => Assert.False(Answers(route, $"key-{i}", random)));
        var shadowed = Enumerable.Range(0, Records).Count(_ => TrafficRouter.Shadows(route, random)) / (double)Records;

        // sd of the share 0.0031; a miss of 0.02 is 6.5 sd, probability 6.5e-11.
        Assert.InRange(shadowed, 0.25 - 0.02, 0.25 + 0.02);
    }

    [Fact]
    public void A_route_is_described_with_its_strategy_versions_and_share_or_arms()
    {
        Assert.Equal("champion 1", TrafficRouter.Describe(new ModelRoute("flights", Champion)));
        Assert.Equal("canary 1 against 2 (rollout r): challenger share 0.25",
            TrafficRouter.Describe(new ModelRoute("flights", Champion, "r", RolloutStrategies.Canary, Challenger, 0.25)));
        Assert.Equal("bandit 1 against 2 (rollout r): arms 1 0/10, 2 40/40",
            TrafficRouter.Describe(Bandit(championRight: 0, championWrong: 10, challengerRight: 40, challengerWrong: 0) with { RolloutId = "r" }));
    }

    private static ModelRoute Bandit(int championRight, int championWrong, int challengerRight, int challengerWrong) =>
        new("flights", Champion, "rollout-11", RolloutStrategies.Bandit, Challenger, 0,
            [new BanditArm(Champion, championRight, championWrong), new BanditArm(Challenger, challengerRight, challengerWrong)]);

    private static bool Answers(ModelRoute route, string entityKey, Random random) =>
        TrafficRouter.ChallengerAnswers(route, Champion, Challenger, entityKey, Guid.Empty, random);
}
