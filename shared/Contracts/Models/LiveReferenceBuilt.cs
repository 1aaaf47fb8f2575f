namespace Contracts.Models;

/// <summary>
/// Monitor built a version's live reference: the statistics of its first predictions, because its card had none.
/// Published by Monitor; the Retrainer writes it into the version's card (<c>reference.source</c> <c>live</c>) unless the
/// card has a reference by then, and announces the version again, so every service (and Monitor after a restart) reads
/// it from the card.
/// </summary>
/// <param name="ModelName">The model.</param>
/// <param name="Version">The version.</param>
/// <param name="ReferenceJson">The reference statistics as the model card's <c>reference</c> section (JSON).</param>
/// <param name="BuiltAt">When Monitor built it.</param>
public sealed record LiveReferenceBuilt(string ModelName, string Version, string ReferenceJson, DateTimeOffset BuiltAt);
