using Contracts.Predictions;
using Inference.Runtime;
using MassTransit;

namespace Inference.Consumers;

/// <summary>
/// The bus's way to <see cref="OnlineScoring"/>: FeatureBuilder's <see cref="ScoreRequest"/>s in the distributed mode,
/// answered with <see cref="ScoreResponse"/> or <see cref="ScoreRejected"/>. The events are published after the answer.
/// </summary>
public sealed class ScoreRequestConsumer(OnlineScoring scoring) : IConsumer<ScoreRequest>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<ScoreRequest> context) =>
        scoring.ScoreRequestAsync(context.Message, answer => RespondAsync(context, answer), context.CancellationToken);

    // Answers are not persisted by the broker: the requester waits for them in memory anyway.
    private static Task RespondAsync(ConsumeContext context, ScoreAnswer answer) =>
        answer.Scored is { } scored
            ? context.RespondAsync(scored, send => send.Durable = false)
            : context.RespondAsync(answer.Rejected!, send => send.Durable = false);
}
