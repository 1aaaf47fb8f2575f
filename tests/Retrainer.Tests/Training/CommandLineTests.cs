using Modeling.Bundles;
using Retrainer.Demo;
using Retrainer.Training;

namespace Retrainer.Tests.Training;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _models = Path.Combine(Path.GetTempPath(), $"models-{Guid.NewGuid():N}");

    [DemoDataFact]
    public async Task Train_writes_a_readable_bundle_for_the_requested_window_and_version()
    {
        var output = new StringWriter();

        var exit = await RetrainerCommandLine.RunAsync(
            ["train", "--from", "2001-03-01", "--to", "2001-03-15", "--version", "cli-1", "--models", _models, "--max-rows", "20000", "--trees", "20"],
            output, CancellationToken.None);

        Assert.Equal(0, exit);
        var read = await ModelBundle.ReadAsync(ModelBundle.FolderOf(_models, FlightDelayModel.Name, "cli-1"), CancellationToken.None);
        Assert.Empty(read.Errors);
        Assert.Equal(new DateTime(2001, 3, 1), read.Bundle!.Card.Lineage!.WindowStart);
        Assert.Equal(new DateTime(2001, 3, 15), read.Bundle.Card.Lineage.WindowEnd);
        Assert.Contains("hold-out AUC", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_with_a_card_trains_that_model_on_the_window_of_a_data_file()
    {
        // Two years of days whose weather follows their measurements: rain when it rains, snow when it is cold and wet,
        // fog on calm dry days, else sun. The first year is the window.
        var random = new Random(5);
        var rows = new List<string> { "date,precipitation,temp_max,temp_min,wind,weather" };
        for (var day = new DateTime(2012, 1, 1); day < new DateTime(2014, 1, 1); day = day.AddDays(1))
        {
            var (precipitation, temperature, wind) = (random.NextDouble() < 0.5 ? Math.Round(random.NextDouble() * 20, 1) : 0, Math.Round(random.NextDouble() * 30 - 5, 1), Math.Round(random.NextDouble() * 6, 1));
            var weather = precipitation > 0 ? temperature < 2 ? "snow" : precipitation < 1 ? "drizzle" : "rain" : wind < 1.5 ? "fog" : "sun";
            rows.Add(FormattableString.Invariant($"{day:yyyy-MM-dd},{precipitation},{temperature + 6},{temperature},{wind},{weather}"));
        }

        var data = Path.Combine(Directory.CreateDirectory(_models).FullName, "weather.csv");
        await File.WriteAllLinesAsync(data, rows);
        var output = new StringWriter();

        var exit = await RetrainerCommandLine.RunAsync(
            ["train", "--card", RepositoryFiles.Find("demo/seattle-weather/model-card.json"), "--data", data, "--from", "2012-01-01", "--to", "2013-01-01",
             "--version", "7", "--models", _models, "--trees", "30", "--min-rows-per-leaf", "5"],
            output, CancellationToken.None);

        Assert.True(exit == 0, output.ToString());
        var read = await ModelBundle.ReadAsync(ModelBundle.FolderOf(_models, "seattle-weather", "7"), CancellationToken.None);
        Assert.Empty(read.Errors);
        var card = read.Bundle!.Card;
        Assert.Equal((Modeling.Cards.ModelTask.Multiclass, "weather.csv", "30", "5"), (card.Task, card.Lineage!.Dataset, card.Lineage.Hyperparameters!["trees"], card.Lineage.Hyperparameters["minimumRowsPerLeaf"]));
        Assert.Equal((new DateTime(2012, 1, 1), new DateTime(2013, 1, 1)), (card.Lineage.WindowStart, card.Lineage.WindowEnd));
        Assert.Equal(366, card.Lineage.TrainingRows + card.Lineage.HoldoutRows); // 2012 was a leap year; 2013 is out of the window
        Assert.Equal(card.Lineage.TrainingRows, card.Reference!.Rows);
        Assert.True(card.Metrics!.Multiclass!.Accuracy > 0.85, $"hold-out accuracy {card.Metrics.Multiclass.Accuracy} on a rule the trees can learn");
        Assert.Contains("accuracy", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_with_a_card_needs_a_data_file()
    {
        var output = new StringWriter();

        var exit = await RetrainerCommandLine.RunAsync(["train", "--card", RepositoryFiles.Find("demo/seattle-weather/model-card.json")], output, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("train --card needs --data FILE", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--from", "March", "--from must be a date like 2001-01-31")]
    [InlineData("--trees", "-3", "--trees must be a positive whole number")]
    [InlineData("--models", null, "expected '--name value' pairs")]
    [InlineData("--tress", "10", "unknown option '--tress'")]
    public async Task Bad_arguments_are_refused_with_a_message_naming_the_option(string option, string? value, string message)
    {
        var output = new StringWriter();
        string[] args = value is null ? ["train", option] : ["train", option, value];

        var exit = await RetrainerCommandLine.RunAsync(args, output, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains(message, output.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_models))
            Directory.Delete(_models, recursive: true);
    }
}
