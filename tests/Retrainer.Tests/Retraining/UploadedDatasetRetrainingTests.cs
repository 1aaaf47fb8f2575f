using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Records;
using Retrainer.Registry;
using Retrainer.Retraining;
using Retrainer.Tests.Training;
using Retrainer.TrainingData;

namespace Retrainer.Tests.Retraining;

/// <summary>
/// Whole retraining jobs of models with an uploaded training dataset (<see cref="TrainingDataset"/>): with
/// <c>recent-plus-earlier</c> its rows are the model's earlier data, at most <c>MaxEarlierRows</c> of them, counted in the
/// job's <c>earlierRows</c> and named in the challenger's lineage, in place of a customization's window; with <c>recent</c>,
/// or once deleted, it is not used.
/// </summary>
public sealed class UploadedDatasetRetrainingTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ModelCard Card = SyntheticModels.Card(ModelTask.Multiclass, "synthetic-kind");

    [Fact]
    public async Task Recent_plus_earlier_trains_on_the_uploaded_dataset_up_to_MaxEarlierRows_and_the_challenger_s_lineage_names_it()
    {
        using var system = await StartAsync(RetrainingPolicies.RecentPlusEarlier);
        await system.Rows.AddAsync(SyntheticModels.Rows(ModelTask.Multiclass, Card.Name, 400, seed: 3), None);
        var dataset = await UploadAsync(system, Card, SyntheticModels.Rows(ModelTask.Multiclass, Card.Name, 600, seed: 8), "kinds-2023.csv");

        var job = await RunToTheEndAsync(system, Card.Name);

        Assert.True(job.State == RetrainingJobState.Succeeded, job.Error);
        // Every kept row is in the recent window, so the earlier rows are the dataset's: 250 of its 600.
        Assert.Equal((250, 300 + 250, 100), (job.Data!.EarlierRows, job.Data.TrainingRows, job.Data.HoldoutRows));
        Assert.Equal(RetrainingDecisions.RolledOut, job.Evaluation!.Decision);
        var lineage = (await system.Registry.FindAsync(Card.Name, job.ChallengerVersion!, None))!.Card.Lineage!;
        Assert.Equal($"{RetrainingRun.LabelledRowsDataset} + uploaded:kinds-2023.csv@{dataset.Sha256[..12]}", lineage.Dataset);
        Assert.Equal((long?)550, lineage.TrainingRows);
    }

    [Fact]
    public async Task The_recent_policy_does_not_use_the_uploaded_dataset()
    {
        using var system = await StartAsync(RetrainingPolicies.Recent);
        await system.Rows.AddAsync(SyntheticModels.Rows(ModelTask.Multiclass, Card.Name, 400, seed: 3), None);
        await UploadAsync(system, Card, SyntheticModels.Rows(ModelTask.Multiclass, Card.Name, 600, seed: 8), "kinds-2023.csv");

        var job = await RunToTheEndAsync(system, Card.Name);

        Assert.True(job.State == RetrainingJobState.Succeeded, job.Error);
        Assert.Equal((0, 300), (job.Data!.EarlierRows, job.Data.TrainingRows));
        Assert.Equal(RetrainingRun.LabelledRowsDataset, (await system.Registry.FindAsync(Card.Name, job.ChallengerVersion!, None))!.Card.Lineage!.Dataset);
    }

    [Fact]
    public async Task A_deleted_dataset_is_no_longer_used()
    {
        using var system = await StartAsync(RetrainingPolicies.RecentPlusEarlier);
        await system.Rows.AddAsync(SyntheticModels.Rows(ModelTask.Multiclass, Card.Name, 400, seed: 3), None);
        await UploadAsync(system, Card, SyntheticModels.Rows(ModelTask.Multiclass, Card.Name, 600, seed: 8), "kinds-2023.csv");

        Assert.True(await system.Registry.DeleteTrainingDatasetAsync(Card.Name, None));
        var job = await RunToTheEndAsync(system, Card.Name);

        Assert.True(job.State == RetrainingJobState.Succeeded, job.Error);
        Assert.Equal((0, 300), (job.Data!.EarlierRows, job.Data.TrainingRows));
        Assert.Equal(RetrainingRun.LabelledRowsDataset, (await system.Registry.FindAsync(Card.Name, job.ChallengerVersion!, None))!.Card.Lineage!.Dataset);
        Assert.False(await system.Registry.DeleteTrainingDatasetAsync(Card.Name, None));
    }

    [SkippableFact]
    public async Task An_uploaded_dataset_wins_over_the_flights_customization_s_window_of_the_demo_file()
    {
        var flights = await RetrainingTestSystem.FlightsAsync();
        var options = RetrainingTestSystem.FastOptions();
        // Margin -1: the challenger is registered whatever its score, so its lineage can be read.
        (options.Policy, options.MaxEarlierRows, options.Margin) = (RetrainingPolicies.RecentPlusEarlier, 1_000, -1);
        using var system = await RetrainingTestSystem.StartWithAsync(flights.Champion, options);
        // The second half of February only, all in the recent window: no kept row is earlier.
        await system.Rows.AddAsync(RetrainingTestSystem.RowsOf(flights.February.Where(flight => flight.Date >= new DateTime(2001, 2, 15))), None);
        var card = flights.Champion.Card;
        var dataset = await UploadAsync(system, card, RetrainingTestSystem.RowsOf(flights.January.Take(1_500), card.Name), "january.csv");

        var job = await RunToTheEndAsync(system, card.Name);

        Assert.True(job.State == RetrainingJobState.Succeeded, job.Error);
        Assert.Equal(1_000, job.Data!.EarlierRows);
        var lineage = (await system.Registry.FindAsync(card.Name, job.ChallengerVersion!, None))!.Card.Lineage!;
        Assert.Equal($"{RetrainingRun.LabelledRowsDataset} + {dataset.LineageName}", lineage.Dataset);
    }

    // The synthetic multiclass model that learned nothing (a third for each kind), served as version 1.
    private static Task<RetrainingTestSystem> StartAsync(string policy)
    {
        var champion = new ModelBundle(Card, LinearOnnxModel.Multiclass(new float[SyntheticModels.Columns.Length, 3], [0f, 0f, 0f])).WithChecksum();
        var options = new RetrainingOptions
        {
            Trees = 50,
            Leaves = 8,
            MinimumRowsPerLeaf = 10,
            MinRows = 200,
            RecentWindow = TimeSpan.FromDays(14),
            HoldoutShare = 0.25,
            RolloutStrategy = "canary",
            Policy = policy,
            MaxEarlierRows = 250,
        };
        return RetrainingTestSystem.StartWithAsync(champion, options);
    }

    // As the upload endpoint stores one: the rows exported as CSV, checked with the card, kept by the registry.
    private static async Task<TrainingDataset> UploadAsync(RetrainingTestSystem system, ModelCard card, IEnumerable<LabelledRow> rows, string fileName)
    {
        using var file = new MemoryStream();
        await TrainingDataWriter.WriteAsync(card, rows.ToAsyncEnumerable(), RecordFormat.Csv, file, None);
        file.Position = 0;
        var check = await TrainingDatasetReader.CheckAsync(card, file, RecordFormat.Csv, RecordLimits.Default, None);
        file.Position = 0;
        return await system.Registry.SetTrainingDatasetAsync(
            new TrainingDataset(card.Name, fileName, RecordFormat.Csv, file.Length, ModelBundle.Sha256Of(file.ToArray()), check.Rows, check.UsableRows,
                TrainingDataWriter.LabelColumnOf(card), card.Version, system.Time.GetUtcNow()),
            file,
            None);
    }

    private static async Task<RetrainingJob> RunToTheEndAsync(RetrainingTestSystem system, string model)
    {
        var requested = await system.Jobs.RequestAsync(model, RetrainingTriggers.Manual, "test", None);
        Assert.NotNull(requested);
        var finished = await system.Run.ExecuteAsync(requested, progress => system.Jobs.SaveAsync(progress, None), None);
        await system.Jobs.FinishAsync(finished, None);
        return (await system.Jobs.FindAsync(model, requested.JobId, None))!;
    }
}
