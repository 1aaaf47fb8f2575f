using Contracts.Security;
using MassTransit;

namespace Retrainer.Keys;

/// <summary>Answers a service's <see cref="ApiKeysRequest"/> with the keys it checks against (hashes only). Queue <c>retrainer-api-keys</c>.</summary>
public sealed class ApiKeysRequestConsumer(ApiKeys keys) : IConsumer<ApiKeysRequest>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ApiKeysRequest> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.RespondAsync(await keys.DirectoryAsync(context.CancellationToken));
    }
}

/// <summary>Names the key requests' queue.</summary>
public sealed class ApiKeysRequestConsumerDefinition : ConsumerDefinition<ApiKeysRequestConsumer>
{
    /// <summary>Queue <c>retrainer-api-keys</c>.</summary>
    public ApiKeysRequestConsumerDefinition() => EndpointName = "retrainer-api-keys";
}
