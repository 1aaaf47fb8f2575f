using Microsoft.Extensions.Options;
using Modeling.Flights;
using Retrainer.Demo;
using Retrainer.Retraining;
using Retrainer.Rollouts;
using Xunit.Abstractions;

namespace Retrainer.Tests.Retraining;

/// <summary>
/// Whole retraining jobs on real data and real (small) models: a weak champion trained on 500 January flights, labelled
/// rows of February, a challenger trained on them and both scored on the newest quarter of the window.
/// </summary>
public sealed class RetrainingRunTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task A_challenger_that_beats_the_champion_by_the_margin_is_registered_with_its_lineage_and_rolled_out()
    {
        using var system = await RetrainingTestSystem.StartAsync();
        var flights = await RetrainingTestSystem.FlightsAsync();
        await system.Rows.AddAsync(RetrainingTestSystem.RowsOf(flights.February), None);

        var job = await RunAsync(system, RetrainingTriggers.Drift);

        Assert.True(job.State == RetrainingJobState.Succeeded, job.Error);
        var evaluation = job.Evaluation!;
        Assert.Equal(RetrainingDecisions.RolledOut, evaluation.Decision);
        Assert.True(evaluation.Challenger.Auc >= evaluation.Champion.Auc + evaluation.Margin, evaluation.Reason);
        Assert.Equal(("1", "2"), (evaluation.Champion.Version, evaluation.Challenger.Version));
        Assert.Equal(evaluation.Champion.Rows, evaluation.Challenger.Rows);
        Assert.Equal(("1", "2"), (job.ChampionVersion, job.ChallengerVersion));

        // The data: two weeks back from the newest February flight, its newest quarter held out.
        var newest = flights.February.Max(flight => flight.Date);
        Assert.Equal(new DateTimeOffset(newest, TimeSpan.Zero), job.Data!.RecentTo);
        Assert.Equal(job.Data.RecentTo.AddDays(-14), job.Data.RecentFrom);
        var inWindow = flights.February.Count(flight => new DateTimeOffset(flight.Date, TimeSpan.Zero) >= job.Data.RecentFrom);
        Assert.Equal(inWindow, job.Data.TrainingRows + job.Data.HoldoutRows);
        Assert.Equal((int)Math.Ceiling(inWindow * 0.25), job.Data.HoldoutRows);
        Assert.Equal(job.Data.HoldoutRows, evaluation.Champion.Rows);

        // Registered with the trigger and the champion as parent; the champion still serves until the rollout promotes it.
        var registered = await system.Registry.FindAsync("flight-delay", "2", None);
        Assert.Equal(("drift", "1"), (registered!.Card.Lineage!.Trigger, registered.Card.Lineage.ParentVersion));
        Assert.Equal(job.Data.HoldoutRows, registered.Card.Metrics!.Holdout!.Rows);
        Assert.Equal("1", await system.Registry.ServedVersionAsync("flight-delay", None));
        var rollout = await system.Rollouts.FindAsync("flight-delay", job.RolloutId!, None);
        Assert.Equal(("2", "canary", $"retraining:{job.JobId}"), (rollout!.ChallengerVersion, rollout.Strategy, rollout.StartedBy));
    }

    [SkippableFact]
    public async Task A_challenger_short_of_the_margin_is_rejected_with_its_numbers_and_nothing_is_registered()
    {
        var options = RetrainingTestSystem.FastOptions();
        options.Margin = 0.5;
        using var system = await RetrainingTestSystem.StartAsync(options);
        var flights = await RetrainingTestSystem.FlightsAsync();
        await system.Rows.AddAsync(RetrainingTestSystem.RowsOf(flights.February), None);

        var job = await RunAsync(system, RetrainingTriggers.Performance);

        Assert.Equal(RetrainingJobState.Succeeded, job.State);
        var evaluation = job.Evaluation!;
        Assert.Equal(RetrainingDecisions.Rejected, evaluation.Decision);
        Assert.Equal(0.5, evaluation.Margin);
        Assert.True(evaluation.Challenger.Auc < evaluation.Champion.Auc + 0.5);
        Assert.Contains("the champion stays", evaluation.Reason, StringComparison.Ordinal);
        Assert.InRange(evaluation.Champion.Auc!.Value, 0.4, 1);
        Assert.InRange(evaluation.Challenger.Accuracy!.Value, 0.5, 1);
        Assert.Null(job.ChallengerVersion);
        Assert.Null(job.RolloutId);
        Assert.Equal(["1"], (await system.Registry.VersionsAsync("flight-delay", None))!.Versions.Select(version => version.Version));
        Assert.Empty(await system.Rollouts.ListAsync("flight-delay", 10, None));
    }

    [SkippableFact]
    public async Task The_margin_decides_both_ways_on_the_same_two_models()
    {
        using var system = await RetrainingTestSystem.StartAsync();
        var flights = await RetrainingTestSystem.FlightsAsync();
        var rows = RetrainingTestSystem.RowsOf(flights.February);
        var holdout = rows[^1000..];
        // A challenger as a retraining trains one: the champion's card, its airports refreshed by the demo's additions.
        var examples = rows[..^1000].Select(row => row.Example()!.Value).ToList();
        var features = new FlightDelayRetraining(Options.Create(RetrainingTestSystem.FastDemoOptions())).Features(flights.Champion.Card, examples);
        var challenger = new Retrainer.Training.CardTrainer(system.Time).Train(flights.Champion.Card with { Features = features.Features }, examples, [],
            new Retrainer.Training.CardTrainingOptions { Version = "2", Dataset = RetrainingRun.LabelledRowsDataset, Trees = 30, MinimumRowsPerLeaf = 20 });

        var measured = ChampionChallengerEvaluation.Evaluate(flights.Champion, challenger.Bundle, holdout, 0);
        var gain = measured.Challenger.Auc!.Value - measured.Champion.Auc!.Value;
        var justEnough = ChampionChallengerEvaluation.Evaluate(flights.Champion, challenger.Bundle, holdout, gain - 1e-9);
        var justShort = ChampionChallengerEvaluation.Evaluate(flights.Champion, challenger.Bundle, holdout, gain + 1e-9);

        Assert.Equal(RetrainingDecisions.RolledOut, justEnough.Decision);
        Assert.Equal(RetrainingDecisions.Rejected, justShort.Decision);
        Assert.Equal(measured.Champion, justShort.Champion);
        Assert.Equal(measured.Challenger, justShort.Challenger);
        Assert.Equal(1000, measured.Champion.Rows);
    }

    [SkippableFact]
    public async Task Too_few_labelled_rows_in_the_recent_window_fail_the_job_with_the_numbers()
    {
        using var system = await RetrainingTestSystem.StartAsync();
        var flights = await RetrainingTestSystem.FlightsAsync();
        // A third of the rows from an API key, the rest from the external broker user.
        await system.Rows.AddAsync(
            [.. RetrainingTestSystem.RowsOf(flights.February[..150]).Select((row, index) => row with { ReportedBy = index % 3 == 0 ? "key:0a1b2c3d4e5f" : "broker:platform-external" })],
            None);

        var job = await RunAsync(system, RetrainingTriggers.Manual);

        Assert.Equal(RetrainingJobState.Failed, job.State);
        Assert.Contains("only 150 labelled rows", job.Error, StringComparison.Ordinal);
        Assert.Contains("at least 200", job.Error, StringComparison.Ordinal);
        Assert.Null(job.Evaluation);
        // The rows it would have used, per source.
        Assert.Equal(["broker:platform-external", "key:0a1b2c3d4e5f"], job.Data!.Reporters!.Select(source => source.ReportedBy));
        Assert.Equal([100, 50], job.Data.Reporters!.Select(source => source.TrainingRows + source.HoldoutRows));
        Assert.Equal((job.Data.TrainingRows, job.Data.HoldoutRows), (job.Data.Reporters!.Sum(source => source.TrainingRows), job.Data.Reporters!.Sum(source => source.HoldoutRows)));
    }

    [SkippableFact]
    public async Task A_model_the_Retrainer_has_no_additions_for_is_retrained_from_its_champions_card_alone()
    {
        // The weak champion uploaded as another model: no demo additions apply, so nothing of it is refreshed.
        using var system = await RetrainingTestSystem.StartAsync();
        var flights = await RetrainingTestSystem.FlightsAsync();
        var uploaded = flights.Champion with { Card = flights.Champion.Card with { Name = "uploaded-model" } };
        await system.Registry.RegisterAsync(uploaded, "external", None);
        await system.Rows.AddAsync(RetrainingTestSystem.RowsOf(flights.February, "uploaded-model"), None);

        var job = await RunAsync(system, RetrainingTriggers.Manual, "uploaded-model");

        Assert.True(job.State == RetrainingJobState.Succeeded, job.Error);
        Assert.Equal((EvaluationMetrics.Auc, "binary", "higher"), (job.Evaluation!.Metric, job.Evaluation.Task, job.Evaluation.Better));
        Assert.Equal(RetrainingDecisions.RolledOut, job.Evaluation.Decision);
        var challenger = (await system.Registry.FindAsync("uploaded-model", job.ChallengerVersion!, None))!.Card;
        Assert.Equal(Json(uploaded.Card.Features), Json(challenger.Features));
        Assert.Equal(uploaded.Card.Input.Columns, challenger.Input.Columns);
        Assert.Equal(uploaded.Card.Input.Name, challenger.Input.Name);
        Assert.False(challenger.Lineage!.Hyperparameters!.ContainsKey(FlightDelayRetraining.MinimumAirportFlightsHyperparameter));
    }

    [SkippableFact]
    public async Task Recent_plus_earlier_also_trains_on_stored_rows_before_the_window()
    {
        var options = RetrainingTestSystem.FastOptions();
        options.Policy = RetrainingPolicies.RecentPlusEarlier;
        options.MaxEarlierRows = 1_000;
        var demo = RetrainingTestSystem.FastDemoOptions();
        demo.EarlierFromDataset = false;
        using var system = await RetrainingTestSystem.StartAsync(options, demo);
        var flights = await RetrainingTestSystem.FlightsAsync();
        await system.Rows.AddAsync(RetrainingTestSystem.RowsOf([.. flights.January, .. flights.February]), None);

        var job = await RunAsync(system, RetrainingTriggers.Manual);

        Assert.True(job.State == RetrainingJobState.Succeeded, job.Error);
        Assert.Equal(RetrainingPolicies.RecentPlusEarlier, job.Data!.Policy);
        Assert.Equal(1_000, job.Data.EarlierRows);
        var inWindow = flights.February.Count(flight => new DateTimeOffset(flight.Date, TimeSpan.Zero) >= job.Data.RecentFrom);
        Assert.Equal(inWindow + 1_000, job.Data.TrainingRows + job.Data.HoldoutRows);
        // The earlier kept rows are labels too: counted with their source (not known for these rows).
        Assert.Equal([new ReporterRows(null, job.Data.TrainingRows, job.Data.HoldoutRows)], job.Data.Reporters);
    }

    [SkippableFact]
    public async Task Every_generation_also_trains_on_the_flights_file_window_of_the_first_version_in_its_line()
    {
        var options = RetrainingTestSystem.FastOptions();
        options.Policy = RetrainingPolicies.RecentPlusEarlier;
        options.MaxEarlierRows = 400;
        using var system = await RetrainingTestSystem.StartAsync(options);
        var flights = await RetrainingTestSystem.FlightsAsync();
        await system.Rows.AddAsync(RetrainingTestSystem.RowsOf(flights.February), None);

        // Version 1 was trained on January from the file: 400 stored rows before the window and 400 January flights.
        var first = await RunAsync(system, RetrainingTriggers.Manual);
        Assert.True(first.Evaluation?.Decision == RetrainingDecisions.RolledOut, first.Error ?? first.Evaluation?.Reason);
        Assert.Equal(800, first.Data!.EarlierRows);
        await system.Rollouts.PromoteAsync("flight-delay", first.RolloutId!, "test", None);
        var second = (await system.Registry.FindAsync("flight-delay", "2", None))!.Card.Lineage!;
        Assert.Equal(($"{RetrainingRun.LabelledRowsDataset} + {DemoData.DatasetName}", "1"), (second.Dataset, second.ParentVersion));

        // Version 2's lineage names the kept rows; its parent's January still comes in.
        var next = await RunAsync(system, RetrainingTriggers.Manual);
        Assert.Equal("2", next.ChampionVersion);
        Assert.Equal(800, next.Data!.EarlierRows);
    }

    [SkippableFact]
    public async Task A_challenger_is_trained_with_the_champions_hyperparameters_unless_they_are_configured()
    {
        var options = RetrainingTestSystem.FastOptions();
        options.Margin = -1;
        options.Trees = null;
        options.Leaves = null;
        options.MinimumRowsPerLeaf = null;
        using var system = await RetrainingTestSystem.StartAsync(options);
        var flights = await RetrainingTestSystem.FlightsAsync();
        await system.Rows.AddAsync(RetrainingTestSystem.RowsOf(flights.February), None);

        var job = await RunAsync(system, RetrainingTriggers.Manual);

        Assert.True(job.Evaluation?.Decision == RetrainingDecisions.RolledOut, job.Error ?? job.Evaluation?.Reason);
        var champion = (await system.Registry.FindAsync("flight-delay", "1", None))!.Card.Lineage!.Hyperparameters!;
        var challenger = (await system.Registry.FindAsync("flight-delay", "2", None))!.Card.Lineage!.Hyperparameters!;
        // The weak champion's 2 trees of 4 leaves, at least 50 rows each; the airports' minimum configured (5, not its 10).
        Assert.Equal(("2", "4", "50"), (challenger["trees"], challenger["leaves"], challenger["minimumRowsPerLeaf"]));
        Assert.Equal((champion["trees"], champion["leaves"], champion["minimumRowsPerLeaf"]), (challenger["trees"], challenger["leaves"], challenger["minimumRowsPerLeaf"]));
        Assert.Equal("5", challenger["minimumAirportFlights"]);
    }

    [SkippableFact]
    public async Task A_models_own_hyperparameters_train_its_challenger()
    {
        var options = RetrainingTestSystem.FastOptions();
        options.Margin = -1;
        options.Models["flight-delay"] = new ModelRetrainingSettings { Trees = 3, Leaves = 5, MinimumRowsPerLeaf = 40 };
        using var system = await RetrainingTestSystem.StartAsync(options);
        var flights = await RetrainingTestSystem.FlightsAsync();
        await system.Rows.AddAsync(RetrainingTestSystem.RowsOf(flights.February), None);

        var job = await RunAsync(system, RetrainingTriggers.Manual);

        Assert.True(job.Evaluation?.Decision == RetrainingDecisions.RolledOut, job.Error ?? job.Evaluation?.Reason);
        var challenger = (await system.Registry.FindAsync("flight-delay", "2", None))!.Card.Lineage!.Hyperparameters!;
        Assert.Equal(("3", "5", "40"), (challenger["trees"], challenger["leaves"], challenger["minimumRowsPerLeaf"]));
    }

    private static string Json(IReadOnlyList<Modeling.Cards.FeatureSpec> features) => System.Text.Json.JsonSerializer.Serialize(features, Modeling.Cards.ModelCardJson.Options);

    private async Task<RetrainingJob> RunAsync(RetrainingTestSystem system, string trigger, string model = "flight-delay")
    {
        var job = await system.Jobs.RequestAsync(model, trigger, null, None);
        Assert.NotNull(job);
        var saved = new List<RetrainingJob>();
        var finished = await system.Run.ExecuteAsync(job, progress =>
        {
            saved.Add(progress);
            return Task.CompletedTask;
        }, None);
        Assert.NotNull(Assert.Single(saved).StartedAt);
        Assert.NotNull(finished.FinishedAt);
        output.WriteLine($"job {finished.JobId}: {finished.State}; {finished.Evaluation?.Reason ?? finished.Error}");
        return finished;
    }
}
