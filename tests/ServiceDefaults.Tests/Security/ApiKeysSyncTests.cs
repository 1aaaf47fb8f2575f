using Contracts.Security;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceDefaults.Security;

namespace ServiceDefaults.Tests.Security;

/// <summary>
/// A service learns the platform's keys from the key owner: it asks at start (<see cref="ApiKeysRequest"/>) and keeps
/// the answer, and applies every later <see cref="ApiKeysChanged"/> announcement, so a revoked key stops working.
/// </summary>
public sealed class ApiKeysSyncTests
{
    [Fact]
    public async Task The_directory_gets_the_owners_keys_at_start_and_follows_its_announcements()
    {
        var clock = new ManualClock();
        var (keyId, key) = ApiKeySecret.Create();
        var keys = new ApiKeysChanged([new ApiKeyEntry(keyId, ApiKeySecret.Hash(key), [Scopes.Read], null)], clock.Now);
        await using var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<ApiKeyDirectory>()
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<ApiKeysChangedConsumer>();
                bus.AddHandler<ApiKeysRequest>(context => context.RespondAsync(keys));
            })
            .BuildServiceProvider(validateScopes: true);
        var harness = services.GetRequiredService<ITestHarness>();
        await harness.Start();
        var directory = services.GetRequiredService<ApiKeyDirectory>();
        using var sync = new ApiKeysSync(services.GetRequiredService<IBus>(), directory, clock, NullLogger<ApiKeysSync>.Instance);
        using var stop = new CancellationTokenSource();

        await sync.StartAsync(stop.Token);
        await Until(() => directory.IsLoaded);
        Assert.Equal((ApiKeyOutcome.Valid, keyId), (directory.Check(key).Outcome, directory.Check(key).KeyId));

        // The owner revokes it: the announcement reaches the directory.
        await harness.Bus.Publish(new ApiKeysChanged([], clock.Now.AddSeconds(1)));
        await Until(() => directory.Check(key).Outcome == ApiKeyOutcome.Unknown);

        await stop.CancelAsync();
        await sync.StopAsync(CancellationToken.None);
        await harness.Stop();
    }

    // Polls the condition; the deadline only bounds a failing test.
    private static async Task Until(Func<bool> condition)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition() && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMinutes(1))
            await Task.Delay(20);
        Assert.True(condition());
    }
}
