using System.Text.Json;
using Contracts.Retraining;
using MassTransit;
using Microsoft.Extensions.Options;
using ServiceDefaults;
using ServiceDefaults.Webhooks;

namespace Retrainer.Retraining;

/// <summary>Where retraining jobs announce what they ask of external trainers (the broker and webhooks; a recorder in tests).</summary>
public interface IRetrainingEvents
{
    /// <summary>A job asks its model's team for a version.</summary>
    Task RequestedAsync(RetrainingRequested requested, CancellationToken cancellationToken);
}

/// <summary>
/// Sends <see cref="RetrainingRequested"/> to <c>platform.events</c> (routing key <c>retraining.requested.&lt;model&gt;</c>,
/// plain JSON) and POSTs the same document to <c>Retraining:Webhooks</c> in the background.
/// </summary>
public sealed class BusRetrainingEvents(IBus bus, WebhookDelivery webhooks, IOptions<RetrainingOptions> options) : IRetrainingEvents
{
    /// <inheritdoc />
    public async Task RequestedAsync(RetrainingRequested requested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requested);
        await PublicEvents.SendJsonAsync(bus, requested, $"retraining.requested.{requested.ModelName}", cancellationToken);
        webhooks.Enqueue(options.Value.Webhooks, $"retraining job {requested.JobId}", JsonSerializer.Serialize(requested, ApiJson.Options));
    }
}
