using System.Collections.Concurrent;
using System.Diagnostics;
using Contracts.Outcomes;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceDefaults;

namespace Integration.Tests.Feedback;

/// <summary>
/// A MassTransit bus of the test's own on a virtual host, composed like a service's, with a consumer of
/// <see cref="OutcomeRecorded"/> on a temporary queue of its own: it gets every event FeedbackCollector
/// publishes, as Monitor and the Retrainer do, and keeps them in the order of its queue.
/// </summary>
public sealed class OutcomeListener : IAsyncDisposable
{
    private readonly IHost _host;

    private OutcomeListener(IHost host) => _host = host;

    private ConcurrentQueue<OutcomeRecorded> Received => _host.Services.GetRequiredService<ConcurrentQueue<OutcomeRecorded>>();

    /// <summary>Starts the bus on the virtual host whose service settings are <paramref name="serviceEnvironment"/>; returns once its queue is bound.</summary>
    public static async Task<OutcomeListener> StartAsync(IReadOnlyDictionary<string, string> serviceEnvironment)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // The environment-variable form (Messaging__RabbitMq__Host) as configuration keys (Messaging:RabbitMq:Host).
        builder.Configuration.AddInMemoryCollection(serviceEnvironment.Select(setting =>
            KeyValuePair.Create(setting.Key.Replace("__", ":", StringComparison.Ordinal), (string?)setting.Value)));
        builder.Services.AddSingleton<ConcurrentQueue<OutcomeRecorded>>();
        builder.AddMessageConsumers(bus => bus.AddConsumer<Collector>().Endpoint(endpoint =>
        {
            endpoint.Name = $"test-outcome-recorded-{Guid.NewGuid():N}";
            endpoint.Temporary = true;
            // One event at a time, in queue order: a test can then use an event it caused as a barrier, knowing every
            // event queued before it has been received (MassTransit would otherwise consume several at once, in any order).
            endpoint.ConcurrentMessageLimit = 1;
        }));
        builder.AddMessageBus();
        // Started means the queue is bound to OutcomeRecorded's exchange: nothing published after is missed.
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);

        var host = builder.Build();
        await host.StartAsync();
        return new OutcomeListener(host);
    }

    /// <summary>The events matching <paramref name="match"/> once there are <paramref name="count"/> of them, or null after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<OutcomeRecorded>?> WaitForAsync(Func<OutcomeRecorded, bool> match, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var matching = Received.Where(match).ToList();
            if (matching.Count >= count)
                return matching;
            await Task.Delay(50);
        }

        return null;
    }

    /// <summary>How many received events match <paramref name="match"/> now.</summary>
    public int Count(Func<OutcomeRecorded, bool> match) => Received.Count(match);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public sealed class Collector(ConcurrentQueue<OutcomeRecorded> received) : IConsumer<OutcomeRecorded>
    {
        public Task Consume(ConsumeContext<OutcomeRecorded> context)
        {
            received.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }
}
