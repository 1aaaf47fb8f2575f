using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Integration.Tests.Predictions;

/// <summary>What the local broker knows about a queue of a test's virtual host.</summary>
public static class QueueCounts
{
    // The management API of the broker RabbitMqFixture finds (it keeps its own client private).
    private static readonly HttpClient Management = CreateManagementClient();

    /// <summary>
    /// How many messages consumers of <paramref name="queue"/> have acknowledged, from the management API's statistics
    /// (refreshed every few seconds, so possibly behind, never ahead). MassTransit acknowledges a message only once it
    /// is done with it: consumed, or moved to the error queue after its last retry.
    /// </summary>
    public static async Task<long> AcknowledgedAsync(string virtualHost, string queue)
    {
        var details = await Management.GetFromJsonAsync<JsonElement>(
            new Uri($"queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}", UriKind.Relative));
        return details.TryGetProperty("message_stats", out var stats) && stats.TryGetProperty("ack", out var ack) ? ack.GetInt64() : 0;
    }

    /// <summary>How many messages wait in <paramref name="queue"/> now (0 when it does not exist), asked of the broker over AMQP.</summary>
    public static async Task<uint> WaitingAsync(string virtualHost, string queue)
    {
        await using var connection = await new ConnectionFactory
        {
            HostName = RabbitMqFixture.Host, Port = RabbitMqFixture.AmqpPort, VirtualHost = virtualHost,
            UserName = RabbitMqFixture.Username, Password = RabbitMqFixture.Password,
        }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
        {
            // MassTransit declares an error queue with its first fault: none, no faults.
            return 0;
        }
    }

    private static HttpClient CreateManagementClient()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://{RabbitMqFixture.Host}:15672/api/"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{RabbitMqFixture.Username}:{RabbitMqFixture.Password}")));
        return client;
    }
}
