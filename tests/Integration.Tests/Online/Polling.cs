using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Integration.Tests.Online;

/// <summary>
/// How long the tests wait for a state. Generous on purpose: the suite runs every service on two cores shared with
/// other test projects, where a start or a message can take a minute; a passing test returns as soon as the state
/// is reached, so only a failing one waits this long.
/// </summary>
public static class Deadlines
{
    /// <summary>A process to start and answer, a model to load and serve.</summary>
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(120);

    /// <summary>A state that travels between processes or through a store: counted, logged, joined, exported, saved.</summary>
    public static readonly TimeSpan State = TimeSpan.FromSeconds(90);
}

/// <summary>An HTTP answer read whole: its status, headers, body and the body's media type.</summary>
public sealed record HttpAnswer(HttpStatusCode Status, HttpResponseHeaders Headers, string Body, string? MediaType)
{
    /// <summary>The body as JSON (a copy that outlives the answer).</summary>
    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();

    public override string ToString() => $"{(int)Status} {Body}";
}

/// <summary>
/// Polls for a state until a deadline. A request the service cannot answer yet is "not yet", never a verdict:
/// a refused connection, the client's own timeout (a service held up for a minute on a busy machine) and the
/// transient 502, 503 and 504 a gateway answers while a service starts or is slow.
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

    // A refused or dropped connection, or the client's timeout: the service did not answer yet.
    private static bool IsTransient(Exception exception) =>
        exception is HttpRequestException or HttpIOException or TaskCanceledException;
}
