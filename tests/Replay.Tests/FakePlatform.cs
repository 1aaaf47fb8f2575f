using System.Globalization;
using System.Text;
using System.Text.Json;
using Replay.Broker;

namespace Replay.Tests;

/// <summary>
/// The platform as the replay sees it, in memory: records every publish with the (test) clock's time and, when
/// <see cref="Answer"/> is set, answers each prediction request at once on the replay's queue, as FeatureBuilder
/// would on <c>platform.events</c>.
/// </summary>
public sealed class FakePlatform(TimeProvider time) : IReplayBroker
{
    private Action<string, ReadOnlyMemory<byte>>? _received;

    /// <summary>Everything published, in order.</summary>
    public List<PublishedMessage> Published { get; } = [];

    /// <summary>The probability to answer a request with (from its plain JSON document); null: leave it unanswered.</summary>
    public Func<JsonElement, double?>? Answer { get; init; }

    /// <summary>The label to answer a request with, as a multiclass model would (with its probability 0.6); null: leave it unanswered.</summary>
    public Func<JsonElement, string?>? AnswerLabel { get; init; }

    /// <summary>Called after each request is published with its number (1, 2, …), e.g. to deliver an alert.</summary>
    public Action<FakePlatform, int>? AfterRequest { get; init; }

    /// <summary>The model whose predictions the replay subscribed to.</summary>
    public string? Model { get; private set; }

    /// <summary>Whether publishes find a queue.</summary>
    public bool Routes { get; init; } = true;

    public Task ListenAsync(string model, Action<string, ReadOnlyMemory<byte>> received, CancellationToken cancellationToken)
    {
        Model = model;
        _received = received;
        return Task.CompletedTask;
    }

    public Task<bool> PublishAsync(string routingKey, string contentType, string messageId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var document = JsonDocument.Parse(body).RootElement.Clone();
        Published.Add(new PublishedMessage(time.GetUtcNow(), routingKey, contentType, messageId, document));
        if (routingKey == "prediction.requested")
        {
            var request = document.TryGetProperty("specversion", out _) ? document.GetProperty("data") : document;
            if (Answer?.Invoke(request) is { } probability)
            {
                Deliver($"prediction.made.{Model}", JsonSerializer.Serialize(new
                {
                    predictionId = Guid.NewGuid(),
                    correlationId = request.GetProperty("correlationId").GetString(),
                    entityKey = request.GetProperty("entityKey").GetString(),
                    model = Model,
                    version = "1",
                    label = probability > 0.5 ? "late" : "on-time",
                    probability,
                }));
            }

            if (AnswerLabel?.Invoke(request) is { } label)
            {
                Deliver($"prediction.made.{Model}", JsonSerializer.Serialize(new
                {
                    correlationId = request.GetProperty("correlationId").GetString(),
                    entityKey = request.GetProperty("entityKey").GetString(),
                    model = Model,
                    version = "1",
                    label,
                    probability = 0.6,
                }));
            }

            AfterRequest?.Invoke(this, Published.Count(message => message.RoutingKey == "prediction.requested"));
        }

        return Task.FromResult(Routes);
    }

    /// <summary>Delivers a message on the replay's queue, as the broker would.</summary>
    public void Deliver(string routingKey, string json) => _received!(routingKey, Encoding.UTF8.GetBytes(json));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A message the replay published.</summary>
public sealed record PublishedMessage(DateTimeOffset At, string RoutingKey, string ContentType, string MessageId, JsonElement Body)
{
    /// <summary>The plain document (a CloudEvent's data).</summary>
    public JsonElement Document => Body.TryGetProperty("specversion", out _) ? Body.GetProperty("data") : Body;

    public string EntityKey => Document.GetProperty("entityKey").GetString()!;

    public DateTime Departure => DateTime.ParseExact(EntityKey[..16], "yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
}
