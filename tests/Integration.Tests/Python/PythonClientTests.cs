using Integration.Tests.Online;
using Modeling.Flights;

namespace Integration.Tests.Python;

/// <summary>
/// The Python client (clients/python) against the embedded host: its own unittest suite, run by Debian's python3
/// (scripts/install-python-tools.sh), with the host's URL, an admin key, the test model's name and the weather data in
/// its environment. The suite drafts a card from a DataFrame, trains scikit-learn on the matrix it describes, registers,
/// predicts (checked against scikit-learn's own answers), runs a batch, sends outcomes and reads the monitoring.
/// </summary>
public sealed class PythonClientTests
{
    [Fact]
    public async Task The_Python_client_s_suite_passes_against_the_embedded_host()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-python-{Guid.NewGuid():N}");
        var models = await TestModel.CopyOfModelsFolderAsync();
        try
        {
            await using var host = ServiceProcess.Start("Embedded", new Dictionary<string, string>
            {
                ["Messaging__Transport"] = "InMemory",
                // A copy: the registry writes the suite's models into its models folder, which other tests must not see.
                ["Registry__ModelsFolder"] = models,
                ["Storage__DataFolder"] = dataFolder,
            });
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            await Poll.PostUntilOkAsync(host.Client, $"/api/v1/models/{TestModel.Name}/predict", DistributedSystem.ExampleRecord, Deadlines.ProcessStart, host.Failure);

            var (exit, output) = await PythonInterpreter.RunAsync(
                ["-m", "unittest", "discover", "--start-directory", "tests", "--top-level-directory", ".", "--verbose"],
                new Dictionary<string, string>
                {
                    ["MLP_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
                    ["MLP_KEY"] = TestKeys.Admin,
                    ["MLP_CONFIG"] = Path.Combine(dataFolder, "no-config.json"),
                    ["MLP_TEST_MODEL"] = TestModel.Name,
                    ["MLP_WEATHER_CSV"] = Path.Combine(Path.GetDirectoryName(DemoData.RequireFlightsFile())!, "seattle-weather.csv"),
                },
                Path.Combine(RepositoryRoot.Path, "clients", "python"));

            Assert.True(exit == 0, $"The Python client's suite failed:\n{output}\n--- host ---\n{host.Output}");
            // Every test ran: none skipped, none missing.
            Assert.Matches(@"Ran 9 tests in [0-9.]+s\s+OK\s*$", output);
        }
        finally
        {
            foreach (var folder in new[] { dataFolder, models })
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }
    }
}
