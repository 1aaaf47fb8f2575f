using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retrainer.Rollouts;

/// <summary>How both stores write a <see cref="Rollout"/>: the API's camelCase JSON (states by name), so a stored document reads like the API's answer.</summary>
public static class RolloutJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    /// <summary>The rollout as JSON.</summary>
    public static string Serialize(Rollout rollout) => JsonSerializer.Serialize(rollout, Options);

    /// <summary>A rollout read back.</summary>
    public static Rollout Deserialize(string json) =>
        JsonSerializer.Deserialize<Rollout>(json, Options) ?? throw new InvalidDataException("a stored rollout is null");
}
