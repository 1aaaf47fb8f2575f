namespace Integration.Tests;

/// <summary>The repository the tests run in.</summary>
public static class RepositoryRoot
{
    /// <summary>The folder that holds <c>Microservices.sln</c>, found upwards from the test's output folder.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Microservices.sln")))
                return folder.FullName;
        }

        throw new InvalidOperationException($"The repository root (Microservices.sln) is not above {AppContext.BaseDirectory}.");
    }
}
