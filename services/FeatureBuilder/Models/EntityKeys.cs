using Modeling.Features;
using Modeling.Text;

namespace FeatureBuilder.Models;

/// <summary>
/// A record's entity key (the caller's key of the thing predicted, in <c>FeatureBuilder:EntityKeyField</c>), as the online
/// API, the ingest queue and batches read it: text or a number, at most <see cref="UserText.MaxKeyLength"/> characters,
/// without control characters. It is logged with the prediction and joins outcomes, so a key that is not one is refused.
/// </summary>
public static class EntityKeys
{
    /// <summary>The error of an entity key that cannot be kept, under <paramref name="field"/>; null when it can.</summary>
    public static FieldError? Problem(string key, string field) =>
        UserText.Problem(key, UserText.MaxKeyLength) is { } problem
            ? new FieldError(field, "invalid_entity_key", $"The entity key {problem}.")
            : null;
}
