using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Grpc;

/// <summary>
/// Serves cleartext HTTP/2 on a port of its own (<see cref="GrpcOptions.Url"/>), next to the REST port. gRPC needs
/// HTTP/2; without TLS, Kestrel cannot tell HTTP/1.1 from HTTP/2 on one port (no ALPN: an <c>Http1AndHttp2</c> endpoint
/// speaks HTTP/1.1 only, and a gRPC client's prior-knowledge HTTP/2 fails), and an <c>Http2</c>-only endpoint refuses the
/// HTTP/1.1 of browsers, curl and health probes. So the REST URLs stay as they are and the gRPC URL is an
/// <c>Http2</c> endpoint (docs/architecture.md, "HTTP/2 for gRPC").
/// </summary>
public static class GrpcListener
{
    private const string EndpointsSection = "Kestrel:Endpoints";

    /// <summary>
    /// When <c>Grpc:Url</c> is set, adds it as a Kestrel endpoint with HTTP/2 only. Kestrel binds the endpoints of its
    /// configuration instead of the host's URLs as soon as it has one, so the REST URLs (<c>urls</c>, else
    /// <c>http_ports</c>, else <c>http://localhost:5000</c>) become endpoints of that section too, unless the section
    /// already names its own (Kestrel then logs that it binds its endpoints instead of the URLs: it binds the same).
    /// Validated with the other options (<see cref="GrpcOptions"/>); read here before validation
    /// because it decides what Kestrel binds.
    /// </summary>
    public static IHostApplicationBuilder AddGrpcListener(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<GrpcOptions>(GrpcOptions.SectionName);
        var url = builder.Configuration[$"{GrpcOptions.SectionName}:{nameof(GrpcOptions.Url)}"];
        if (string.IsNullOrWhiteSpace(url))
            return builder;

        var endpoints = new Dictionary<string, string?>
        {
            [$"{EndpointsSection}:Grpc:Url"] = url,
            [$"{EndpointsSection}:Grpc:Protocols"] = "Http2",
        };
        if (!builder.Configuration.GetSection(EndpointsSection).GetChildren().Any())
        {
            var index = 0;
            foreach (var rest in RestUrls(builder.Configuration))
                endpoints[$"{EndpointsSection}:Http{index++}:Url"] = rest;
        }

        builder.Configuration.AddInMemoryCollection(endpoints);
        return builder;
    }

    // As the host picks them: 'urls' (--urls, ASPNETCORE_URLS), else 'http_ports' (ASPNETCORE_HTTP_PORTS), else its default.
    private static IEnumerable<string> RestUrls(IConfiguration configuration)
    {
        static string[] Split(string? value) => value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

        if (Split(configuration["urls"]) is { Length: > 0 } urls)
            return urls;
        if (Split(configuration["http_ports"]) is { Length: > 0 } ports)
            return ports.Select(port => $"http://*:{port}");
        return ["http://localhost:5000"];
    }
}
