using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mlp.Connection;

/// <summary>
/// The platform's public API over HTTP with the key as a bearer token: JSON in, JSON out. An answer that is not a
/// success becomes an <see cref="ApiProblem"/>; a platform that cannot be reached, an <see cref="MlpException"/> saying so.
/// </summary>
public sealed class PlatformClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>A client of the platform at <paramref name="settings"/>' URL; <paramref name="handler"/> replaces the network (tests).</summary>
    public PlatformClient(MlpSettings settings, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = settings.Url;
        _http.Timeout = TimeSpan.FromMinutes(5);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mlp", typeof(PlatformClient).Assembly.GetName().Version?.ToString(3)));
        if (settings.Key is { } key)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    /// <summary>The platform's address.</summary>
    public Uri Url => _http.BaseAddress!;

    /// <summary><c>GET <paramref name="path"/></c>: the JSON answer.</summary>
    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary><c>POST <paramref name="path"/></c> with <paramref name="json"/> as the body: the JSON answer.</summary>
    public Task<JsonElement> PostJsonAsync(string path, string json, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new MlpException($"Cannot reach the platform at {Url}: {exception.Message} (is it running? --url, MLP_URL or the config file say where)", exception);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw ApiProblem.Of(method, path, response.StatusCode, body);
            if (body.Length == 0)
                return default;
            try
            {
                using var document = JsonDocument.Parse(body);
                return document.RootElement.Clone();
            }
            catch (JsonException exception)
            {
                throw new MlpException($"{method} {path}: the platform answered {(int)response.StatusCode} with a body that is not JSON: {exception.Message}", exception);
            }
        }
    }
}
