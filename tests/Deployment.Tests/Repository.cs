namespace Deployment.Tests;

/// <summary>The repository the tests run in: its root folder and the service projects under <c>services/</c>.</summary>
internal static class Repository
{
    /// <summary>The folder that holds <c>Microservices.sln</c>, found upwards from the test's output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// Every service: a folder under <c>services/</c> with a project named after it (<c>services/Inference/Inference.csproj</c>).
    /// </summary>
    public static IReadOnlyList<string> Services { get; } = Directory.GetDirectories(Path.Combine(Root, "services"))
        .Select(Path.GetFileName)
        .OfType<string>()
        .Where(name => File.Exists(Path.Combine(Root, "services", name, name + ".csproj")))
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The services as xunit theory data.</summary>
    public static TheoryData<string> ServiceData
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var service in Services)
            {
                data.Add(service);
            }

            return data;
        }
    }

    /// <summary>A path under the root, written with forward slashes.</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>A file's text, by its path under the root.</summary>
    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>The image name a service runs as, in docker-compose.yml and deploy/k8s: <c>ml-platform/inference</c>.</summary>
    public static string ImageOf(string service) => "ml-platform/" + service.ToLowerInvariant();

    /// <summary>Source files of the services and shared code (not build output).</summary>
    public static IEnumerable<string> SourceFiles(string pattern) =>
        SourceFolders
            .SelectMany(folder => Directory.EnumerateFiles(PathOf(folder), pattern, SearchOption.AllDirectories))
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    private static readonly string[] SourceFolders = ["services", "shared"];

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Microservices.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Microservices.sln above {AppContext.BaseDirectory}.");
    }
}
