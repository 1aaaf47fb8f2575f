using System.Text.RegularExpressions;

namespace Deployment.Tests;

/// <summary>Every service has its own image recipe, and each one builds a small, non-root image with a health check.</summary>
public sealed partial class DockerfileTests
{
    private static readonly string[] TopLevelFilesNamingImages = ["README.md", "docker-compose.yml"];

    public static TheoryData<string> Services => Repository.ServiceData;

    [Fact]
    public void Every_project_under_services_has_a_Dockerfile()
    {
        Assert.NotEmpty(Repository.Services);
        var missing = Repository.Services.Where(service => !File.Exists(Repository.PathOf($"services/{service}/Dockerfile")));
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_image_is_built_with_the_SDK_and_runs_on_the_ASP_NET_runtime(string service)
    {
        var lines = Instructions(service);
        var stages = lines.Where(line => line.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.True(stages.Count >= 2, $"services/{service}/Dockerfile is not multi-stage: {string.Join(" | ", stages)}");
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0\S* AS build$", stages[0]);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0\S*( AS \w+)?$", stages[^1]);
        Assert.Contains(lines, line => line.StartsWith("COPY --from=build ", StringComparison.Ordinal));
        Assert.Contains(lines, line => Regex.IsMatch(line, $@"^RUN dotnet publish services/{service}/{service}\.csproj -c Release\b"));
        Assert.Contains(lines, line => line == $"ENTRYPOINT [\"dotnet\", \"{service}.dll\"]");
        Assert.Contains(lines, line => line == "ENV ASPNETCORE_HTTP_PORTS=8080");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Packages_are_restored_from_the_project_files_before_the_sources_are_copied(string service)
    {
        var lines = Instructions(service);
        var restore = lines.FindIndex(line => line.StartsWith("RUN dotnet restore ", StringComparison.Ordinal));
        var firstSourceCopy = lines.FindIndex(line => line is "COPY shared/ shared/" || line == $"COPY services/{service}/ services/{service}/");

        Assert.True(restore >= 0, "no RUN dotnet restore");
        Assert.True(firstSourceCopy > restore, "the sources are copied before the restore, so any code change downloads the packages again");
        var copiedBeforeRestore = lines.Take(restore).Where(line => line.StartsWith("COPY ", StringComparison.Ordinal)).ToList();
        Assert.All(copiedBeforeRestore, line => Assert.Matches(@"^COPY ((\S+\.(csproj|props)|\.editorconfig) )+\S+/?$", line));

        // The restore needs every project the service references, transitively, and the central package versions.
        var copied = string.Join('\n', copiedBeforeRestore);
        Assert.Contains("Directory.Packages.props", copied, StringComparison.Ordinal);
        Assert.Contains("Directory.Build.props", copied, StringComparison.Ordinal);
        foreach (var project in ProjectClosure($"services/{service}/{service}.csproj"))
        {
            Assert.Contains(project, copied, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_service_runs_as_a_non_root_user(string service)
    {
        var lines = Instructions(service);
        var finalStage = lines.FindLastIndex(line => line.StartsWith("FROM ", StringComparison.Ordinal));
        var user = lines.Skip(finalStage).LastOrDefault(line => line.StartsWith("USER ", StringComparison.Ordinal));

        Assert.NotNull(user);
        var name = user["USER ".Length..].Split(':')[0];
        Assert.True(name is not ("root" or "0"), $"services/{service}/Dockerfile runs as {name}");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_health_check_asks_the_liveness_endpoint(string service)
    {
        var healthCheck = Assert.Single(Instructions(service), line => line.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));

        Assert.Contains(" CMD ", healthCheck, StringComparison.Ordinal);
        Assert.Contains($"GET {CodeFacts.LivePath} ", healthCheck, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1/8080", healthCheck, StringComparison.Ordinal);
        Assert.Matches(@"--timeout=\d+s", healthCheck);
    }

    [Fact]
    public void The_single_shared_Dockerfile_is_gone_and_nothing_names_it()
    {
        Assert.False(File.Exists(Repository.PathOf("deploy/Dockerfile")));
        var referencing = TopLevelFilesNamingImages
            .Concat(Directory.GetFiles(Repository.PathOf("docs"), "*.md").Select(path => Path.GetRelativePath(Repository.Root, path)))
            .Concat(Directory.GetFiles(Repository.PathOf("scripts")).Select(path => Path.GetRelativePath(Repository.Root, path)))
            .Where(path => Repository.Read(path).Contains("deploy/Dockerfile", StringComparison.Ordinal));
        Assert.Empty(referencing);
    }

    /// <summary>The Dockerfile's instructions, one per entry, with continuation lines joined and comments left out.</summary>
    private static List<string> Instructions(string service)
    {
        var instructions = new List<string>();
        var current = "";
        foreach (var raw in File.ReadAllLines(Repository.PathOf($"services/{service}/Dockerfile")))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            current = current.Length == 0 ? line : current + " " + line;
            if (current.EndsWith('\\'))
            {
                current = current[..^1].TrimEnd();
                continue;
            }

            instructions.Add(Regex.Replace(current, @"\s+", " "));
            current = "";
        }

        return instructions;
    }

    /// <summary>The project and every project it references, transitively, as paths under the root.</summary>
    private static SortedSet<string> ProjectClosure(string project)
    {
        var closure = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!closure.Add(next))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(Repository.PathOf(next))!;
            foreach (Match reference in ProjectReference().Matches(Repository.Read(next)))
            {
                var path = Path.GetFullPath(Path.Combine(folder, reference.Groups[1].Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repository.Root, path).Replace('\\', '/'));
            }
        }

        return closure;
    }

    [GeneratedRegex(@"<ProjectReference\s+Include=""([^""]+)""")]
    private static partial Regex ProjectReference();
}
