using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mlp.Connection;

/// <summary>
/// The platform's public API over HTTP with the key as a bearer token: JSON in, JSON out. An answer that is not a
/// success becomes an <see cref="ApiProblem"/>; a platform that cannot be reached, an <see cref="MlpException"/> saying so.
/// A <c>429</c> (a rate limit) is waited out as its <c>Retry-After</c> says and the call sent again, up to
/// <see cref="MaxAttempts"/> times: the platform did nothing with the refused call.
/// </summary>
public sealed class PlatformClient : IDisposable
{
    /// <summary>How many times a call refused with 429 is sent in all.</summary>
    public const int MaxAttempts = 6;

    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);
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
        SendAsync(HttpMethod.Get, path, () => null, cancellationToken);

    /// <summary><c>POST <paramref name="path"/></c> with <paramref name="json"/> as the body: the JSON answer.</summary>
    public Task<JsonElement> PostJsonAsync(string path, string json, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, () => new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary><c>PUT <paramref name="path"/></c> with <paramref name="json"/> as the body: the JSON answer.</summary>
    public Task<JsonElement> PutJsonAsync(string path, string json, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, () => new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary><c>POST <paramref name="path"/></c> with <paramref name="file"/> as the body, streamed: the JSON answer.</summary>
    public Task<JsonElement> PostFileAsync(string path, string file, string mediaType, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, () => FileContent(file, mediaType), cancellationToken);

    /// <summary>
    /// <c>PUT <paramref name="path"/></c> with <paramref name="file"/> as the multipart part <paramref name="part"/>, under
    /// its own name (which the platform keeps, e.g. as a reference's dataset), streamed: the JSON answer.
    /// </summary>
    public Task<JsonElement> PutFilePartAsync(string path, string part, string file, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, () => new MultipartFormDataContent { { FileContent(file, RecordFiles.MediaTypeOf(file)), part, Path.GetFileName(file) } }, cancellationToken);

    /// <summary>A body (or a multipart part) streamed from <paramref name="file"/>; an <see cref="MlpException"/> when it cannot be read.</summary>
    public static StreamContent FileContent(string file, string mediaType)
    {
        FileStream stream;
        try
        {
            stream = File.OpenRead(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new MlpException($"Cannot read {file}: {exception.Message}", exception);
        }

        var content = new StreamContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    /// <summary><c>DELETE <paramref name="path"/></c>: the JSON answer, if any.</summary>
    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, path, () => null, cancellationToken);

    /// <summary><c>POST <paramref name="path"/></c> with a multipart body (files), made by <paramref name="content"/> for each attempt: the JSON answer.</summary>
    public Task<JsonElement> PostMultipartAsync(string path, Func<MultipartFormDataContent> content, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, content, cancellationToken);

    /// <summary><c>GET <paramref name="path"/></c> into <paramref name="file"/> (written whole, or not at all): the bytes written.</summary>
    public async Task<long> DownloadAsync(string path, string file, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw ApiProblem.Of(HttpMethod.Get, path, response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        // Written beside the target first, so that an interrupted download leaves no half file under the name asked for.
        var partial = file + ".partial";
        try
        {
            await using (var target = File.Create(partial))
                await response.Content.CopyToAsync(target, cancellationToken);
            File.Move(partial, file, overwrite: true);
            return new FileInfo(file).Length;
        }
        catch (IOException exception)
        {
            throw new MlpException($"Cannot write {file}: {exception.Message}", exception);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new MlpException($"Cannot reach the platform at {Url}: {exception.Message} (is it running? --url, MLP_URL or the config file say where)", exception);
        }
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, Func<HttpContent?> content, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content() };
            using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxAttempts)
            {
                await Task.Delay(RetryAfter(response), cancellationToken);
                continue;
            }

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

    // The wait a 429 asks for (1 s when it names none), never more than LongestWait.
    private static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var asked = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
        return asked > LongestWait ? LongestWait : asked;
    }
}
