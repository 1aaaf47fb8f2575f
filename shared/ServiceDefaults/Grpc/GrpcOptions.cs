namespace ServiceDefaults.Grpc;

/// <summary>The port gRPC is served on. Section <c>Grpc</c>.</summary>
public sealed class GrpcOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Grpc";

    /// <summary>
    /// Where the process also listens for cleartext HTTP/2 (gRPC), e.g. <c>http://127.0.0.1:5001</c> or <c>http://+:8081</c>;
    /// unset: nowhere. Its REST URLs (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>) keep HTTP/1.1.
    /// Env: <c>Grpc__Url</c>.
    /// </summary>
    public string? Url { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (!string.IsNullOrWhiteSpace(Url) && !IsHttpUrl(Url))
            yield return $"Grpc:Url must be an http:// URL with a port, such as http://127.0.0.1:5001 or http://+:8081; got '{Url}'.";
    }

    private static bool IsHttpUrl(string url)
    {
        // The wildcard hosts Kestrel takes ('+', '*') are not valid in a Uri: check the rest with a stand-in host.
        var normalized = url.Replace("://+:", "://any:", StringComparison.Ordinal).Replace("://*:", "://any:", StringComparison.Ordinal);
        return Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && !uri.IsDefaultPort
            && uri.AbsolutePath == "/";
    }
}
