using System.Collections.Concurrent;
using Contracts.Predictions;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceDefaults;

namespace Integration.Tests.Predictions;

/// <summary>
/// A MassTransit bus of the test's own on a virtual host, composed like a service's (so it publishes
/// <see cref="PredictionMade"/> the way Inference does), that also collects every fault a consumer publishes
/// for a prediction.
/// </summary>
public sealed class PredictionPublisher : IAsyncDisposable
{
    private readonly IHost _host;

    private PredictionPublisher(IHost host) => _host = host;

    /// <summary>The faults consumers published for <see cref="PredictionMade"/> events (singly or in a batch).</summary>
    public IReadOnlyCollection<string> Faults => _host.Services.GetRequiredService<FaultLog>().Received;

    /// <summary>Starts a bus on the virtual host whose service settings are <paramref name="serviceEnvironment"/>; returns once its queue is bound.</summary>
    public static async Task<PredictionPublisher> StartAsync(IReadOnlyDictionary<string, string> serviceEnvironment)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // The environment-variable form (Messaging__RabbitMq__Host) as configuration keys (Messaging:RabbitMq:Host).
        builder.Configuration.AddInMemoryCollection(serviceEnvironment.Select(setting =>
            KeyValuePair.Create(setting.Key.Replace("__", ":", StringComparison.Ordinal), (string?)setting.Value)));
        builder.Services.AddSingleton<FaultLog>();
        builder.AddMessageConsumers(bus => bus.AddConsumer<FaultObserver>());
        builder.AddMessageBus();
        // Started means the fault observer's queue is bound: a fault published for anything published after is not missed.
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);

        var host = builder.Build();
        await host.StartAsync();
        return new PredictionPublisher(host);
    }

    public Task PublishAsync(PredictionMade prediction) => _host.Services.GetRequiredService<IBus>().Publish(new PredictionsMade([prediction]));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public sealed class FaultLog
    {
        public ConcurrentQueue<string> Received { get; } = new();
    }

    public sealed class FaultObserver(FaultLog faults) : IConsumer<Fault<PredictionsMade>>, IConsumer<Fault<Batch<PredictionsMade>>>
    {
        public Task Consume(ConsumeContext<Fault<PredictionsMade>> context)
        {
            faults.Received.Enqueue($"Fault<PredictionsMade> {string.Join(", ", context.Message.Message.Predictions.Select(prediction => prediction.PredictionId))}: {Describe(context.Message)}");
            return Task.CompletedTask;
        }

        public Task Consume(ConsumeContext<Fault<Batch<PredictionsMade>>> context)
        {
            faults.Received.Enqueue($"Fault<Batch<PredictionsMade>>: {Describe(context.Message)}");
            return Task.CompletedTask;
        }

        private static string Describe(Fault fault) =>
            string.Join("; ", fault.Exceptions.Select(exception => $"{exception.ExceptionType}: {exception.Message}"));
    }
}
