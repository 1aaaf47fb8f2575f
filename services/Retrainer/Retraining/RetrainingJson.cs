using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retrainer.Retraining;

/// <summary>How both stores write a <see cref="RetrainingJob"/>: the API's camelCase JSON (states by name), so a stored document reads like the API's answer.</summary>
public static class RetrainingJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    /// <summary>The job as JSON.</summary>
    public static string Serialize(RetrainingJob job) => JsonSerializer.Serialize(job, Options);

    /// <summary>A job read back.</summary>
    public static RetrainingJob Deserialize(string json) =>
        JsonSerializer.Deserialize<RetrainingJob>(json, Options) ?? throw new InvalidDataException("a stored retraining job is null");
}
