using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ServiceDefaults.Metrics;

/// <summary>
/// Which service answered a request and under which route template. A host may run several services (the
/// embedded host runs all six): a request counts for the service whose code declares the endpoint's handler,
/// that is the assembly of a minimal-API handler when that assembly is built on the service defaults (the
/// six services are). Endpoints of shared code (the service defaults' own, ASP.NET Core's, YARP's proxy routes,
/// the API reference) count for the host itself, named after its application (<c>Gateway</c>, <c>Embedded</c>, …).
/// </summary>
public sealed class EndpointAttribution
{
    /// <summary>The route reported for requests that matched no endpoint (404s, static files).</summary>
    public const string Unmatched = "(unmatched)";

    private static readonly string ServiceDefaultsAssembly = typeof(EndpointAttribution).Assembly.GetName().Name!;

    private readonly ConcurrentDictionary<Endpoint, EndpointIdentity> _endpoints = new();
    private readonly ConcurrentDictionary<Assembly, bool> _serviceAssemblies = new();

    /// <summary>Attributes endpoints of shared code to <paramref name="hostService"/>.</summary>
    public EndpointAttribution(string hostService)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostService);
        HostService = hostService;
    }

    /// <summary>The host's own name: the service requests to shared endpoints count for.</summary>
    public string HostService { get; }

    /// <summary>The service and route template of <paramref name="endpoint"/> (computed once per endpoint).</summary>
    public EndpointIdentity Of(Endpoint? endpoint) =>
        endpoint is null ? new EndpointIdentity(HostService, Unmatched) : _endpoints.GetOrAdd(endpoint, Identify);

    private EndpointIdentity Identify(Endpoint endpoint)
    {
        var route = endpoint is RouteEndpoint { RoutePattern.RawText: { Length: > 0 } raw } ? Normalize(raw) : endpoint.DisplayName ?? Unmatched;
        var handler = endpoint.Metadata.GetMetadata<MethodInfo>()?.DeclaringType?.Assembly;
        var service = handler is not null && IsService(handler) ? handler.GetName().Name! : HostService;
        return new EndpointIdentity(service, route);
    }

    private bool IsService(Assembly assembly) =>
        _serviceAssemblies.GetOrAdd(assembly, static candidate =>
            candidate.GetName().Name != ServiceDefaultsAssembly &&
            candidate.GetReferencedAssemblies().Any(reference => reference.Name == ServiceDefaultsAssembly));

    // A group's prefix and its endpoint's pattern are joined as written ("/v2" + "/models/{model}"); templates
    // written without the leading slash ("api/x") are the same route.
    private static string Normalize(string raw) => raw.StartsWith('/') ? raw : "/" + raw;
}

/// <summary>The service that answers an endpoint and the endpoint's route template.</summary>
/// <param name="Service">The service's name, e.g. <c>FeatureBuilder</c>.</param>
/// <param name="Route">The route template, e.g. <c>/api/v1/models/{model}/predict</c>.</param>
public readonly record struct EndpointIdentity(string Service, string Route);
