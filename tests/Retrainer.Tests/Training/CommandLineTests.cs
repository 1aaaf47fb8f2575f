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
