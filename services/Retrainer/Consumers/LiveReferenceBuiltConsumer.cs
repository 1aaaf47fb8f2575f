using System.Text.Json;
using Contracts.Models;
using MassTransit;
using Modeling.Cards;
using Retrainer.Registry;

namespace Retrainer.Consumers;

/// <summary>
/// Writes the live reference Monitor built for a version registered without one into the version's card
/// (<c>reference.source</c> <c>live</c>), and so announces the version again; a version that has a reference by then
/// (sent with <c>PUT …/reference</c> meanwhile) or is gone keeps what it has. Queue <c>retrainer-live-reference-built</c>.
/// </summary>
public sealed class LiveReferenceBuiltConsumer(ModelRegistry registry) : IConsumer<LiveReferenceBuilt>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<LiveReferenceBuilt> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var message = context.Message;
        if (await registry.DescribeAsync(message.ModelName, message.Version, context.CancellationToken) is not { } stored
            || stored.Card.Reference is { } existing && (existing.Columns.Count > 0 || existing.Output is not null))
            return;
        // A message that does not read fails to the error queue with the reason, as every consumer's does.
        var reference = JsonSerializer.Deserialize<ReferenceStatistics>(message.ReferenceJson, ModelCardJson.Options)
            ?? throw new InvalidDataException("The live reference is null.");
        await registry.SetReferenceAsync(message.ModelName, message.Version, reference with { Source = "live" }, null, context.CancellationToken);
    }
}
