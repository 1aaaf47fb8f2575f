using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;

namespace Integration.Tests.Retraining;

/// <summary>
/// The outcomes the Retrainer keeps, as the broker's management API counts its queue of <c>OutcomeRecorded</c>
/// events (<c>retrainer-outcome-recorded</c>). The consumer takes batches (up to 500, prefetching 1,000) and writes each
/// in one transaction; MassTransit acknowledges a batch's messages only once the batch consumer has returned, so every
/// acknowledged outcome is a kept row (or one the Retrainer chose not to keep). The counters only grow, and the API
/// refreshes them every 5 s.
/// </summary>
public static class RetrainerOutcomes
{
    public const string QueueName = "retrainer-outcome-recorded";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private static readonly HttpClient Management = CreateManagementClient();

    /// <summary>
    /// Waits until at least <paramref name="outcomes"/> events have entered the queue and every event that entered it
    /// has been acknowledged, i.e. written; fails with <paramref name="failure"/> after <paramref name="timeout"/>.
    /// </summary>
    public static async Task WaitUntilKeptAsync(string virtualHost, long outcomes, TimeSpan timeout, Func<string, Exception> failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            try
            {
                var queue = await Management.GetFromJsonAsync<QueueInfo>(
                    new Uri($"queues/{Uri.EscapeDataString(virtualHost)}/{QueueName}", UriKind.Relative));
                var entered = queue?.MessageStats?.Publish ?? 0;
                var acknowledged = queue?.MessageStats?.Ack ?? 0;
                last = $"{entered} entered, {acknowledged} acknowledged";
                if (entered >= outcomes && acknowledged >= entered)
                    return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // 404 before the Retrainer declared its queue, or a management API slow to answer on a busy machine.
                last = exception.Message;
            }

            await Task.Delay(PollInterval);
        }

        throw failure($"the Retrainer did not keep {outcomes} outcomes from {QueueName} within {timeout.TotalSeconds:0} s; the broker's counters: {last}");
    }

    private static HttpClient CreateManagementClient()
    {
        // The management API of the broker RabbitMqFixture uses; generous, as it answers slowly while the machine is busy.
        var client = new HttpClient { BaseAddress = new Uri($"http://{RabbitMqFixture.Host}:15672/api/"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{RabbitMqFixture.Username}:{RabbitMqFixture.Password}")));
        return client;
    }

    // The management API's JSON is snake_case; message_stats is missing until the queue has seen a message.
    private sealed record QueueInfo([property: JsonPropertyName("message_stats")] MessageStats? MessageStats);

    private sealed record MessageStats(
        [property: JsonPropertyName("publish")] long Publish,
        [property: JsonPropertyName("ack")] long Ack);
}
