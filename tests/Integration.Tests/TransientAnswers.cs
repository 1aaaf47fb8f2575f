using System.Net;
using System.Text.Json;

namespace Integration.Tests;

/// <summary>
/// GETs inside a polling loop. While a test waits for a state, the gateway may answer 502, 503 or 504 (a service slow to
/// answer its probe, or one just restarted) and the client may time out on a busy machine: those mean "not yet", not
/// a failure, until the loop's deadline. Any other answer than 200 is a failure at once.
/// </summary>
public static class TransientAnswers
{
    /// <summary>Whether <paramref name="status"/> is a gateway or availability answer worth asking again.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>
    /// The JSON body of <c>GET <paramref name="path"/></c>, or null (with the reason in <paramref name="last"/>) when the
    /// answer was transient; throws <paramref name="failure"/>'s exception on any other answer than 200.
    /// </summary>
    public static async Task<JsonElement?> TryGetJsonAsync(HttpClient client, string path, Func<string, Exception> failure, Action<string>? last = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(failure);
        try
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
                return JsonDocument.Parse(body).RootElement.Clone();
            if (!IsTransient(response.StatusCode))
                throw failure($"GET {path} answered {(int)response.StatusCode}: {body}");
            last?.Invoke($"GET {path}: {(int)response.StatusCode} {body}");
            return null;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            // TaskCanceledException: the client's own timeout, a service slow to answer while the machine is busy.
            last?.Invoke($"GET {path}: {exception.Message}");
            return null;
        }
    }
}
