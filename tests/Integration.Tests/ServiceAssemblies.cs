using System.Reflection;

namespace Integration.Tests;

/// <summary>Where the build put each service's dll (recorded by the test project at build time).</summary>
internal static class ServiceAssemblies
{
    private const string KeyPrefix = "ServiceAssembly:";

    public static string PathOf(string service)
    {
        var path = typeof(ServiceAssemblies).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == KeyPrefix + service)?.Value;

        if (path is null)
        {
            throw new InvalidOperationException(
                $"No built dll is recorded for the service '{service}': add a ProjectReference to it with " +
                "OutputItemType=\"ServiceAssembly\" in Integration.Tests.csproj.");
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The service '{service}' was not built at {path}: build the test project (dotnet build tests/Integration.Tests).");
        }

        return path;
    }
}
