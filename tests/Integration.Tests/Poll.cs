using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Integration.Tests;

/// <summary>An HTTP answer read whole: its status, headers, body and the body's media type.</summary>
public sealed record HttpAnswer(HttpStatusCode Status, HttpResponseHeaders Headers, string Body, string? MediaType)
{
    /// <summary>The body as JSON (a copy that outlives the answer).</summary>
    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();

    public override string ToString() => $"{(int)Status} {Body}";
}

/// <summary>
/// Polls for a state until a deadline (<see cref="Deadlines"/>). A request the service cannot answer yet is "not yet",
/// never a verdict: a refused connection, the client's own timeout (a service held up for a minute on a busy machine)
/// and the transient 502, 503 and 504 a gateway answers while a service starts or is slow. <see cref="TryGetJsonAsync"/>
/// is one attempt, for loops that decide more than "until it holds".
/// </summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="failure"/> and <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string, Exception> failure)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (Exception exception) when (IsTransient(exception))
            {
                last = exception.Message;
            }

            await Task.Delay(Interval);
        }

        throw failure($"Timed out after {timeout.TotalSeconds:0} s waiting for {what} (last error: {last}).");
    }

    /// <summary>
    /// Sends the request <paramref name="request"/> makes (a new one each time) until its answer is accepted; returns
    /// that answer. Answers that are not accepted, and failed requests, are retried until <paramref name="timeout"/>.
    /// </summary>
    public static async Task<HttpAnswer> UntilAnsweredAsync(
        HttpClient client, Func<HttpRequestMessage> request, Func<HttpAnswer, bool> accept, TimeSpan timeout, string what, Func<string, Exception> failure)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var message = request();
                using var response = await client.SendAsync(message);
                var answer = new HttpAnswer(
                    response.StatusCode, response.Headers, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
                if (accept(answer))
                    return answer;
                last = answer.ToString();
            }
            catch (Exception exception) when (IsTransient(exception))
            {
                last = exception.Message;
            }

            await Task.Delay(Interval);
        }

        throw failure($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last answer: {last}");
    }

    /// <summary>GETs <paramref name="path"/> until it answers 200 with JSON that satisfies <paramref name="condition"/>; returns that JSON.</summary>
    public static async Task<JsonElement> GetJsonAsync(
        HttpClient client, string path, Func<JsonElement, bool> condition, TimeSpan timeout, Func<string, Exception> failure)
    {
        var answer = await UntilAnsweredAsync(
            client,
            () => new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)),
            answer => answer.Status == HttpStatusCode.OK && condition(answer.Json()),
            timeout,
            $"GET {path} to show what the test waits for",
            failure);
        return answer.Json();
    }

    /// <summary>GETs <paramref name="path"/> until it answers 200 with a body that satisfies <paramref name="condition"/>; returns that body.</summary>
    public static async Task<string> GetTextAsync(
        HttpClient client, string path, Func<string, bool> condition, TimeSpan timeout, Func<string, Exception> failure)
    {
        var answer = await UntilAnsweredAsync(
            client,
            () => new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)),
            answer => answer.Status == HttpStatusCode.OK && condition(answer.Body),
            timeout,
            $"GET {path} to show what the test waits for",
            failure);
        return answer.Body;
    }

    /// <summary>
    /// POSTs <paramref name="body"/> as JSON to <paramref name="path"/> until it answers 200, and returns the answer's
    /// JSON. Only for requests that are safe to repeat while the service is not ready (a 503 scored nothing).
    /// </summary>
    public static async Task<JsonElement> PostUntilOkAsync(
        HttpClient client, string path, object body, TimeSpan timeout, Func<string, Exception> failure)
    {
        var answer = await UntilAnsweredAsync(
            client,
            () => new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) },
            answer => answer.Status == HttpStatusCode.OK,
            timeout,
            $"POST {path} to answer 200",
            failure);
        return answer.Json();
    }

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
        catch (Exception exception) when (IsTransient(exception))
        {
            last?.Invoke($"GET {path}: {exception.Message}");
            return null;
        }
    }

    // A refused or dropped connection, or the client's timeout: the service did not answer yet.
    private static bool IsTransient(Exception exception) =>
        exception is HttpRequestException or HttpIOException or TaskCanceledException;
}
