using Modeling.Flights;
using Modeling.Tests.Bundles;

namespace Modeling.Tests.Flights;

/// <summary>These tests change DEMO_DATA_DIR, which is process-wide: they run alone (and take turns with the lookups of the reader tests).</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

[Collection(nameof(ProcessEnvironment))]
public sealed class DemoDataTests : IDisposable
{
    private static readonly string[] PackageFile = DemoData.PackageRelativePath.Split('/');

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Demo_data_folder_from_the_environment_is_used()
    {
        var file = _folder.CreateFile(["configured", .. PackageFile]);

        Assert.Equal(file, DemoDataEnvironment.With(_folder.Combine("configured"), () => DemoData.FindFlightsFile()));
    }

    [Fact]
    public void Demo_data_folder_from_the_environment_without_the_file_finds_nothing()
    {
        // Even though a .data folder above the start folder has the file: the configured folder wins.
        _folder.CreateFile(["repository", ".data", "vega-datasets", .. PackageFile]);
        var start = Directory.CreateDirectory(_folder.Combine("repository", "tests", "bin")).FullName;

        Assert.Null(DemoDataEnvironment.With(_folder.Combine("empty"), () => DemoData.FindFlightsFile(start)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_the_environment_the_nearest_data_folder_above_the_start_folder_is_used(string? configured)
    {
        _folder.CreateFile(["repository", ".data", "vega-datasets", .. PackageFile]);
        var nearer = _folder.CreateFile(["repository", "tests", ".data", "vega-datasets", .. PackageFile]);
        var start = Directory.CreateDirectory(_folder.Combine("repository", "tests", "Modeling.Tests", "bin")).FullName;

        Assert.Equal(nearer, DemoDataEnvironment.With(configured, () => DemoData.FindFlightsFile(start)));
    }

    [Fact]
    public void Missing_demo_data_says_how_to_fetch_it()
    {
        var start = Directory.CreateDirectory(_folder.Combine("nowhere")).FullName;

        var exception = DemoDataEnvironment.With(_folder.Combine("empty"), () => Record.Exception(() => DemoData.RequireFlightsFile(start)));

        Assert.IsType<FileNotFoundException>(exception);
        Assert.Contains("scripts/fetch-demo-data.sh", exception.Message, StringComparison.Ordinal);
        Assert.Contains("DEMO_DATA_DIR", exception.Message, StringComparison.Ordinal);
    }
}
