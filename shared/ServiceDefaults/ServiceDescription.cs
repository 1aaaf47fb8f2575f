using System.Reflection;

namespace ServiceDefaults;

/// <summary>What a service answers on <c>GET /</c>: who it is and which build is running.</summary>
/// <param name="Name">The service name, e.g. <c>Inference</c>.</param>
/// <param name="Version">The informational version of the service's assembly (with the source revision when known).</param>
/// <param name="Summary">One sentence on what the service does.</param>
public sealed record ServiceDescription(string Name, string Version, string Summary)
{
    /// <summary>Describes the service whose code lives in <paramref name="serviceAssembly"/>.</summary>
    public static ServiceDescription Of(Assembly serviceAssembly, string summary)
    {
        ArgumentNullException.ThrowIfNull(serviceAssembly);
        var name = serviceAssembly.GetName();
        return new ServiceDescription(name.Name ?? "unknown", VersionOf(serviceAssembly), summary);
    }

    internal static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";
}
