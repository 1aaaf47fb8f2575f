using Modeling.Bundles;
using Modeling.Flights;

namespace Retrainer.Demo;

/// <summary>
/// The first model, so that a fresh system serves predictions without a manual step: the flight-delay
/// model trained on January 2001, trained once and cached as a bundle under the models folder.
/// </summary>
public static class BootstrapModel
{
    /// <summary>The bootstrap version.</summary>
    public const string Version = "1";

    /// <summary>The training options of the bootstrap model (the trainer's defaults: January 2001).</summary>
    public static FlightDelayTrainingOptions Options { get; } = new() { Version = Version, Trigger = "bootstrap" };

    /// <summary>The cached bundle, or a newly trained and written one when none is cached (or the cached one is unusable).</summary>
    public static async Task<ModelBundle> EnsureAsync(string modelsFolder, TimeProvider time, CancellationToken cancellationToken)
    {
        var folder = ModelBundle.FolderOf(modelsFolder, FlightDelayModel.Name, Version);
        var cached = await ModelBundle.ReadAsync(folder, cancellationToken);
        if (cached.Bundle is { } bundle)
            return bundle;

        var trained = await new FlightDelayTrainer(time).TrainAsync(DemoData.RequireFlightsFile(Environment.CurrentDirectory), Options, cancellationToken);
        await trained.Bundle.WriteAsync(modelsFolder, cancellationToken);
        return trained.Bundle;
    }
}
