namespace Replay.Broker;

/// <summary>What the replay needs from the broker: publish to <c>platform.ingest</c>, listen on <c>platform.events</c>.</summary>
public interface IReplayBroker : IAsyncDisposable
{
    /// <summary>
    /// Binds the replay's own queue to the predictions of <paramref name="model"/> and to every alert, and hands
    /// each message to <paramref name="received"/> (routing key, body; the body is valid only during the call).
    /// </summary>
    Task ListenAsync(string model, Action<string, ReadOnlyMemory<byte>> received, CancellationToken cancellationToken);

    /// <summary>Publishes <paramref name="body"/> on <c>platform.ingest</c>; false when the broker had no queue for it.</summary>
    Task<bool> PublishAsync(string routingKey, string contentType, string messageId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);
}
