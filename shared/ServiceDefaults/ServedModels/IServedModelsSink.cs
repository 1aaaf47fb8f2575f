using Contracts.Models;

namespace ServiceDefaults.ServedModels;

/// <summary>
/// A part of a service that must follow which model versions serve traffic (FeatureBuilder's cards,
/// Inference's ONNX sessions). <see cref="ServedModelsSync"/> hands it the registry's full list whenever it changes.
/// </summary>
public interface IServedModelsSink
{
    /// <summary>
    /// Makes the sink serve exactly the versions of <paramref name="served"/>, routed by its routes. Called again
    /// with the whole answer after every change, so it must be cheap when nothing changed. Throwing makes the sync
    /// retry later.
    /// </summary>
    Task ApplyAsync(ServedModelsResponse served, CancellationToken cancellationToken);
}
