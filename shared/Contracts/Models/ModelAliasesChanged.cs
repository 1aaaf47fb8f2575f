namespace Contracts.Models;

/// <summary>
/// An alias of a model (<c>champion</c>, <c>challenger</c> or any other name) was set, moved or removed in the
/// registry. Published by the Retrainer. The <c>champion</c> alias decides which version serves traffic, so
/// every service that follows the served models (FeatureBuilder, Inference, Monitor) asks the registry again
/// when it hears this; the other aliases are for people and for rollouts.
/// </summary>
/// <param name="ModelName">URL-safe model name, e.g. <c>flight-delay</c>.</param>
/// <param name="Alias">The alias that changed, e.g. <c>champion</c>.</param>
/// <param name="Version">The version it points at now, or null when it was removed.</param>
/// <param name="PreviousVersion">The version it pointed at before, or null when it is new.</param>
/// <param name="Aliases">Every alias of the model after the change, alias → version.</param>
/// <param name="ServedVersion">The version that serves the model's traffic after the change (null when none can).</param>
/// <param name="ChangedAt">When the registry made the change.</param>
public sealed record ModelAliasesChanged(
    string ModelName,
    string Alias,
    string? Version,
    string? PreviousVersion,
    IReadOnlyDictionary<string, string> Aliases,
    string? ServedVersion,
    DateTimeOffset ChangedAt);
