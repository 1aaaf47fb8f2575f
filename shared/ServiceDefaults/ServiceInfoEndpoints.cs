using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ServiceDefaults;

/// <summary><c>GET /</c>: which service answers and which build of it runs. Every service maps it the same way.</summary>
public static class ServiceInfoEndpoints
{
    /// <summary>Maps <c>GET /</c> answering with <paramref name="description"/>.</summary>
    public static IEndpointRouteBuilder MapServiceInfo(this IEndpointRouteBuilder endpoints, ServiceDescription description)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(description);

        endpoints.MapGet("/", () => TypedResults.Ok(description))
            .WithName($"Get{description.Name}ServiceInfo")
            .WithTags(description.Name)
            .AllowAnonymous();
        return endpoints;
    }
}
