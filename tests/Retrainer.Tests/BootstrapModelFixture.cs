using Modeling.Bundles;
using Modeling.Flights;
using Retrainer.Registry;

namespace Retrainer.Tests;

/// <summary>The bootstrap model, trained once per machine and cached in the repository's .data/models, as the running system uses it.</summary>
public sealed class BootstrapModelFixture : IAsyncLifetime
{
    public string ModelsFolder { get; } = Path.Combine(RepositoryRoot(), ".data", "models");

    public ModelBundle Bundle { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (DemoData.FindFlightsFile() is null)
            return;
        Bundle = await BootstrapModel.EnsureAsync(ModelsFolder, TimeProvider.System, CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Microservices.sln")))
                return folder.FullName;
        throw new InvalidOperationException("the tests run outside the repository");
    }
}

[CollectionDefinition(Name)]
public sealed class BootstrapModelGroup : ICollectionFixture<BootstrapModelFixture>
{
    public const string Name = "bootstrap model";
}
