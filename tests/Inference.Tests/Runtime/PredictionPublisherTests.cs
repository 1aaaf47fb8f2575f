using System.Collections.Concurrent;
using System.Diagnostics;
using Contracts.Predictions;
using Inference.Runtime;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServiceDefaults.Batching;

namespace Inference.Tests.Runtime;

/// <summary>
/// The predictions of requests answered close together go out as one <see cref="PredictionsMade"/>, every event once, in
/// the order the requests were answered, and no message carries more than the limit (a larger request goes alone); the
/// message's span continues the first request's trace and links the others'. The requests are queued before the
/// publisher starts, so what forms a message is what a busy replica would have queued.
/// </summary>
public sealed class PredictionPublisherTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Requests_answered_together_are_published_as_one_message_with_every_event_in_order()
    {
        await using var bus = await HarnessBus.StartAsync();
        foreach (var (name, count) in new[] { ("a", 1), ("b", 3), ("c", 2) })
            await bus.Publisher.EnqueueAsync(Events(name, count), CancellationToken.None);

        var message = Assert.Single(await bus.PublishQueuedAsync());
        Assert.Equal(["a0", "b0", "b1", "b2", "c0", "c1"], message.Predictions.Select(prediction => prediction.EntityKey));
    }

    [Fact]
    public async Task A_message_carries_at_most_its_limit_and_a_larger_request_goes_alone()
    {
        const int Limit = PredictionPublisher.MaxEventsPerMessage;
        await using var bus = await HarnessBus.StartAsync();
        foreach (var (name, count) in new[] { ("a", Limit - 10), ("b", 20), ("c", Limit + 5), ("d", 5) })
            await bus.Publisher.EnqueueAsync(Events(name, count), CancellationToken.None);

        var published = await bus.PublishQueuedAsync();

        // Formed in order (a; b, which c would take past the limit; c alone; d), published a few at once.
        Assert.Equal([5, 20, Limit - 10, Limit + 5], published.Select(message => message.Predictions.Count).Order());
        Assert.Equal(2 * Limit + 20, published.SelectMany(message => message.Predictions).Select(prediction => prediction.PredictionId).Distinct().Count());
    }

    [Fact]
    public async Task A_message_is_published_in_a_span_that_continues_its_first_requests_trace_and_links_the_others()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == BatchingTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var bus = await HarnessBus.StartAsync();
        var requests = new List<ActivityContext>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            // Queued under the request's span, which has ended by the time its events are published.
            using var request = new Activity("request " + name).SetIdFormat(ActivityIdFormat.W3C).Start();
            requests.Add(request.Context);
            await bus.Publisher.EnqueueAsync(Events(name, 2), CancellationToken.None);
        }

        Assert.Single(await bus.PublishQueuedAsync());

        var span = Assert.Single(spans, span => span.OperationName == "publish predictions" && span.TraceId == requests[0].TraceId);
        Assert.Equal(requests[0].SpanId, span.ParentSpanId);
        Assert.Equal(requests.Skip(1), span.Links.Select(link => link.Context));
    }

    [Fact]
    public async Task A_message_that_fails_to_publish_is_logged_and_the_later_ones_still_go_out()
    {
        // The broker's client refusing one message with an exception of any kind (here what a serializer would throw).
        await using var bus = await HarnessBus.StartAsync(publish => publish.UseExecute(context =>
        {
            if (context is PublishContext<PredictionsMade> made && made.Message.Predictions[0].EntityKey!.StartsWith("refused", StringComparison.Ordinal))
                throw new ArgumentException("a value the serializer cannot write");
        }));
        // A full message alone, then two more requests.
        await bus.Publisher.EnqueueAsync(Events("refused", PredictionPublisher.MaxEventsPerMessage), CancellationToken.None);
        await bus.Publisher.EnqueueAsync(Events("after", 2), CancellationToken.None);
        await bus.Publisher.EnqueueAsync(Events("later", 1), CancellationToken.None);

        var message = Assert.Single(await bus.PublishQueuedAsync());
        Assert.Equal(["after0", "after1", "later0"], message.Predictions.Select(prediction => prediction.EntityKey));
    }

    private static PredictionMade[] Events(string request, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new PredictionMade(
            Guid.NewGuid(), "m", "1", $"{request}{i}", null, PredictionSources.Tensor, null, [0f], null, 0.5f, null, Now, Now, null))];

    // A publisher on MassTransit's test harness, not started until the test has queued what it wants published together.
    private sealed class HarnessBus : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly ITestHarness _harness;

        private HarnessBus(ServiceProvider services, ITestHarness harness)
        {
            (_services, _harness) = (services, harness);
            Publisher = new PredictionPublisher(
                services.GetRequiredService<IBus>(), Options.Create(new InferenceOptions { PredictionEventsLinger = TimeSpan.FromMilliseconds(1) }),
                TimeProvider.System, NullLogger<PredictionPublisher>.Instance);
        }

        public PredictionPublisher Publisher { get; }

        public static async Task<HarnessBus> StartAsync(Action<IPublishPipeConfigurator>? publish = null)
        {
            var services = new ServiceCollection()
                .AddMassTransitTestHarness(configure => configure.UsingInMemory((context, bus) =>
                {
                    if (publish is not null)
                        bus.ConfigurePublish(publish);
                    bus.ConfigureEndpoints(context);
                }))
                .BuildServiceProvider(validateScopes: true);
            var harness = services.GetRequiredService<ITestHarness>();
            harness.TestTimeout = TimeSpan.FromMinutes(2);
            await harness.Start();
            return new HarnessBus(services, harness);
        }

        // Starts the publisher and stops it, which returns once everything queued has been published.
        public async Task<List<PredictionsMade>> PublishQueuedAsync()
        {
            await Publisher.StartAsync(CancellationToken.None);
            await Publisher.StopAsync(CancellationToken.None);
            return [.. _harness.Published.Select<PredictionsMade>().Select(message => message.Context.Message)];
        }

        public ValueTask DisposeAsync() => _services.DisposeAsync();
    }
}
