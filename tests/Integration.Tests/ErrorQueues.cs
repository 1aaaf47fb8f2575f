using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Integration.Tests;

/// <summary>Reads a MassTransit error queue (<c>&lt;queue&gt;_error</c>) on a test's virtual host.</summary>
public static class ErrorQueues
{
    /// <summary>
    /// Takes the messages of <paramref name="queue"/>'s error queue whose body contains <paramref name="tag"/>, with
    /// the reason MassTransit put in <c>MT-Fault-Message</c>, until <paramref name="expected"/> came or the timeout;
    /// other messages are taken and ignored.
    /// </summary>
    public static async Task<List<(string Body, string Reason)>> DrainAsync(string virtualHost, string queue, string tag, int expected, TimeSpan timeout) =>
        [.. (await DrainMessagesAsync(virtualHost, queue, tag, expected, timeout)).Select(fault => (fault.Body, fault.Reason))];

    /// <summary>As <see cref="DrainAsync"/>, with each message's AMQP properties (its headers, its <c>user_id</c>).</summary>
    public static async Task<List<(string Body, string Reason, IReadOnlyBasicProperties Properties)>> DrainMessagesAsync(
        string virtualHost, string queue, string tag, int expected, TimeSpan timeout)
    {
        var faults = new List<(string Body, string Reason, IReadOnlyBasicProperties Properties)>();
        var clock = Stopwatch.StartNew();
        await using var connection = await new ConnectionFactory
        {
            HostName = RabbitMqFixture.Host, Port = RabbitMqFixture.AmqpPort, VirtualHost = virtualHost,
            UserName = RabbitMqFixture.Username, Password = RabbitMqFixture.Password,
        }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        try
        {
            while (clock.Elapsed < timeout && faults.Count < expected)
            {
                BasicGetResult? message;
                try
                {
                    message = await channel.BasicGetAsync(queue + "_error", autoAck: true);
                }
                catch (OperationInterruptedException)
                {
                    // MassTransit declares the error queue with the first fault; until then the broker closes the channel.
                    await channel.DisposeAsync();
                    channel = await connection.CreateChannelAsync();
                    await Task.Delay(100);
                    continue;
                }

                if (message is null)
                {
                    await Task.Delay(100);
                    continue;
                }

                var body = Encoding.UTF8.GetString(message.Body.Span);
                if (!body.Contains(tag, StringComparison.Ordinal))
                    continue;
                var reason = message.BasicProperties.Headers?.TryGetValue("MT-Fault-Message", out var value) == true && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : "";
                faults.Add((body, reason, message.BasicProperties));
            }
        }
        finally
        {
            await channel.DisposeAsync();
        }

        return faults;
    }
}
