using ServiceDefaults.Webhooks;
using Contracts.Models;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Modeling.Cards;
using Monitor.Alerts;
using Monitor.References;
using Monitor.Windows;
using ServiceDefaults.ServedModels;
using ServiceDefaults.Storage;
using ServiceDefaults.Storage.Documents;

namespace Monitor.Tests;

/// <summary>
/// Monitor's services as the host composes them, on the embedded store in a folder of the test's (open it again on the same
/// folder for a restart), an in-memory bus and a clock the test moves; the served-models sync and the bucket keeper are not
/// started: the test hands the cards over and runs the keeper's rounds.
/// </summary>
internal sealed class MonitorServices : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private MonitorServices(ServiceProvider services) => _services = services;

    public MonitoredVersions Versions => _services.GetRequiredService<MonitoredVersions>();

    public TrafficRecorder Recorder => _services.GetRequiredService<TrafficRecorder>();

    public AlertEvaluator Alerts => _services.GetRequiredService<AlertEvaluator>();

    public BucketKeeper Keeper => _services.GetRequiredService<BucketKeeper>();

    public BucketStore Buckets => _services.GetRequiredService<BucketStore>();

    public ITestHarness Bus => _services.GetRequiredService<ITestHarness>();

    public static async Task<MonitorServices> StartAsync(string folder, TimeProvider clock, MonitoringOptions options)
    {
        Directory.CreateDirectory(folder);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddHttpClient();
        services.AddSingleton(clock);
        services.AddSingleton(Options.Create(options));
        services.AddKeyedSingleton<IDocumentDatabase>(MonitorService.StoreName, (_, _) => new EmbeddedDatabase(Path.Combine(folder, "monitor.db"), EmbeddedDatabase.UpgradesIn(typeof(MonitorService).Assembly)));
        services.AddSingleton<BucketStore>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<RuleStateStore>();
        services.AddSingleton<MonitorMetrics>();
        services.AddSingleton<MonitoredVersions>();
        services.AddSingleton<IServedModelsSink>(provider => provider.GetRequiredService<MonitoredVersions>());
        services.AddSingleton(Options.Create(new ServedModelsOptions()));
        services.AddSingleton<ServedModelsSync>();
        services.AddSingleton<WebhookDelivery>();
        services.AddSingleton<AlertPublisher>();
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<TrafficRecorder>();
        services.AddSingleton<BucketKeeper>();
        services.AddMassTransitTestHarness();
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<ITestHarness>().Start();
        return new MonitorServices(provider);
    }

    /// <summary>The registry serves these cards (as it would answer a <c>ServedModelsRequest</c>).</summary>
    public Task ServeAsync(params ModelCard[] cards) =>
        Versions.ApplyAsync(new ServedModelsResponse([.. cards.Select(TaskTestData.Served)], [], DateTimeOffset.UnixEpoch), CancellationToken.None);

    /// <summary>The report of a version's window, as the API answers it.</summary>
    public WindowReport Report(ModelCard card, WindowKind window = WindowKind.Count) =>
        Alerts.Report(Versions.Existing(card.Name, card.Version) ?? throw new InvalidOperationException($"no windows of {card.Name} {card.Version}"), window);

    public async ValueTask DisposeAsync()
    {
        await Bus.Stop();
        await _services.DisposeAsync();
    }
}
