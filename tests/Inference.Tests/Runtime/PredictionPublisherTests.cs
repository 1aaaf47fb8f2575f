using Contracts.Predictions;
using Inference.Runtime;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Inference.Tests.Runtime;

/// <summary>
/// The predictions of requests answered close together go out as one <see cref="PredictionsMade"/>, every event once, in
/// the order the requests were answered, and no message carries more than the limit (a larger request goes alone).
/// The requests are queued before the publisher starts, so what forms a message is what a busy replica would have queued.
/// </summary>
public sealed class PredictionPublisherTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Requests_answered_together_are_published_as_one_message_with_every_event_in_order()
    {
        var published = await PublishAsync([Events("a", 1), Events("b", 3), Events("c", 2)]);

        var message = Assert.Single(published);
        Assert.Equal(["a0", "b0", "b1", "b2", "c0", "c1"], message.Predictions.Select(prediction => prediction.EntityKey));
    }

    [Fact]
    public async Task A_message_carries_at_most_its_limit_and_a_larger_request_goes_alone()
    {
        const int Limit = PredictionPublisher.MaxEventsPerMessage;
        var published = await PublishAsync([Events("a", Limit - 10), Events("b", 20), Events("c", Limit + 5), Events("d", 5)]);

        // Formed in order (a; b, which c would take past the limit; c alone; d), published a few at once.
        Assert.Equal([5, 20, Limit - 10, Limit + 5], published.Select(message => message.Predictions.Count).Order());
        Assert.Equal(2 * Limit + 20, published.SelectMany(message => message.Predictions).Select(prediction => prediction.PredictionId).Distinct().Count());
    }

    // Queues the requests' events, starts the publisher, and returns the messages once every event is published.
    private static async Task<List<PredictionsMade>> PublishAsync(IReadOnlyList<PredictionMade[]> requests)
    {
        await using var services = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(validateScopes: true);
        var harness = services.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromMinutes(2);
        await harness.Start();
        var publisher = new PredictionPublisher(
            services.GetRequiredService<IBus>(), Options.Create(new InferenceOptions { PredictionEventsLinger = TimeSpan.FromMilliseconds(1) }),
            TimeProvider.System, NullLogger<PredictionPublisher>.Instance);
        foreach (var events in requests)
            await publisher.EnqueueAsync(events, CancellationToken.None);

        await publisher.StartAsync(CancellationToken.None);
        // Stopping publishes what is queued and returns when the last publish has ended.
        await publisher.StopAsync(CancellationToken.None);
        return [.. harness.Published.Select<PredictionsMade>().Select(message => message.Context.Message)];
    }

    private static PredictionMade[] Events(string request, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new PredictionMade(
            Guid.NewGuid(), "m", "1", $"{request}{i}", null, PredictionSources.Tensor, null, [0f], null, 0.5f, null, Now, Now, null))];
}
