using Contracts.Models;
using MassTransit;
using Modeling.Bundles;
using Retrainer.Registry;

namespace Retrainer.Consumers;

/// <summary>Sends a model version's ONNX file to the Inference replica that asks for it.</summary>
public sealed class ModelArtifactRequestConsumer(ModelRegistry registry) : IConsumer<ModelArtifactRequest>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ModelArtifactRequest> context)
    {
        var (name, version) = (context.Message.ModelName, context.Message.Version);
        if (await registry.FindAsync(name, version, context.CancellationToken) is { } bundle)
            await context.RespondAsync(new ModelArtifactResponse(name, version, ModelBundle.Sha256Of(bundle.Onnx), bundle.Onnx));
        else
            await context.RespondAsync(new ModelArtifactNotFound(name, version));
    }
}
