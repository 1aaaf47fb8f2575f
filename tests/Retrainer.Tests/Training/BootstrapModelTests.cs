using Microsoft.ML.OnnxRuntime;
using Modeling.Bundles;
using Modeling.Cards;
using Retrainer.Demo;

namespace Retrainer.Tests.Training;

[Collection(BootstrapModelGroup.Name)]
public sealed class BootstrapModelTests(BootstrapModelFixture fixture)
{
    [DemoDataFact]
    public async Task Bootstrap_bundle_is_a_valid_card_and_an_ONNX_file_that_matches_it()
    {
        var read = await ModelBundle.ReadAsync(ModelBundle.FolderOf(fixture.ModelsFolder, FlightDelayModel.Name, BootstrapModel.Version), CancellationToken.None);

        Assert.Empty(read.Errors);
        var bundle = read.Bundle!;
        Assert.Empty(ModelCardValidator.Validate(bundle.Card));
        Assert.Equal(ModelBundle.Sha256Of(bundle.Onnx), bundle.Card.Artifact.Sha256);
        using var session = new InferenceSession(bundle.Onnx);
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal(bundle.Card.Input.Name, input.Key);
        Assert.Equal(bundle.Card.Input.Columns.Count, input.Value.Dimensions[1]);
        Assert.Contains(bundle.Card.Output.Probability!, session.OutputMetadata.Keys);
        Assert.Contains(bundle.Card.Output.Score!, session.OutputMetadata.Keys);
    }

    [DemoDataFact]
    public void Bootstrap_model_is_trained_on_January_and_learns_more_than_the_base_rate()
    {
        var card = fixture.Bundle.Card;
        Assert.Equal(new DateTime(2001, 1, 1), card.Lineage!.WindowStart);
        Assert.Equal(new DateTime(2001, 2, 1), card.Lineage.WindowEnd);
        Assert.Equal("bootstrap", card.Lineage.Trigger);
        var holdout = card.Metrics!.Holdout!;
        Assert.True(holdout.Rows > 90_000, $"hold-out has {holdout.Rows} rows");
        Assert.InRange(holdout.Auc, 0.65, 1.0);
        // Better than always predicting January's late share.
        var baseRate = holdout.PositiveRate;
        var baseLogLoss = -(baseRate * Math.Log(baseRate) + (1 - baseRate) * Math.Log(1 - baseRate));
        Assert.True(holdout.LogLoss < baseLogLoss, $"log loss {holdout.LogLoss} is not below the base rate's {baseLogLoss}");
    }

    [DemoDataFact]
    public void Reference_statistics_describe_every_input_column_and_the_output()
    {
        var card = fixture.Bundle.Card;
        var reference = card.Reference!;
        Assert.Equal(card.Input.Columns, reference.Columns.Select(column => column.Column));
        Assert.Equal(card.Lineage!.TrainingRows, reference.Rows);
        var origin = reference.Columns.Single(column => column.Column == "origin");
        Assert.Equal(ColumnKind.Categorical, origin.Kind);
        Assert.Contains("ORD", origin.Frequencies!.Keys);
        var distance = reference.Columns.Single(column => column.Column == "distance");
        Assert.Equal(ColumnKind.Continuous, distance.Kind);
        Assert.Equal(reference.Rows, distance.Histogram!.Counts.Sum());
        var hours = reference.Columns.Single(column => column.Column == "date.hour");
        Assert.InRange(hours.Frequencies!.Count, 18, 24);
        Assert.Equal(reference.Rows, reference.Output!.Probability!.Histogram!.Counts.Sum());
        Assert.InRange(reference.Output.LabelPositiveRate!.Value, 0.15, 0.25);
    }

    [DemoDataFact]
    public async Task A_cached_bootstrap_model_is_reused_not_retrained()
    {
        // On a copy of its own: the cache is shared with other test runs and is never written by a test.
        var models = Path.Combine(Path.GetTempPath(), $"bootstrap-reuse-{Guid.NewGuid():N}");
        try
        {
            await fixture.Bundle.WriteAsync(models, CancellationToken.None);
            var card = Path.Combine(ModelBundle.FolderOf(models, FlightDelayModel.Name, BootstrapModel.Version), ModelBundle.CardFileName);
            var written = File.GetLastWriteTimeUtc(card);
            // A retraining would stamp this clock's time into the card's lineage.
            var later = new ManualClock(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

            var again = await BootstrapModel.EnsureAsync(models, later, CancellationToken.None);

            Assert.Equal(written, File.GetLastWriteTimeUtc(card));
            Assert.Equal(fixture.Bundle.Card.Lineage!.TrainedAt, again.Card.Lineage!.TrainedAt);
            Assert.NotEqual(later.Now, again.Card.Lineage.TrainedAt);
            Assert.Equal(fixture.Bundle.Card.Artifact.Sha256, again.Card.Artifact.Sha256);
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
    }
}
