using Contracts.Rollouts;

namespace Inference.Runtime;

/// <summary>
/// How one model is served on this replica now: its champion, the challenger of a running rollout (when loaded) and
/// the route that splits traffic between them.
/// </summary>
/// <param name="Champion">Answers unless the route picks the challenger.</param>
/// <param name="Challenger">The rollout's version, or null (no rollout, or it could not be loaded: then the champion takes all).</param>
/// <param name="Route">The Retrainer's route for the model.</param>
public sealed record ServedModelState(LoadedModel Champion, LoadedModel? Challenger, ModelRoute Route)
{
    /// <summary>The loaded version named <paramref name="version"/>, if it is the champion or the challenger.</summary>
    public LoadedModel? Version(string version) =>
        Champion.Version == version ? Champion : Challenger?.Version == version ? Challenger : null;
}
