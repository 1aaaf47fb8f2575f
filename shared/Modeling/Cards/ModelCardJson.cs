using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modeling.Cards;

/// <summary>The JSON form of model cards: camelCase names and enum values, unknown properties refused.</summary>
public static class ModelCardJson
{
    /// <summary>Options for reading and writing cards.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Writes a card as indented JSON.</summary>
    public static string Serialize(ModelCard card) => JsonSerializer.Serialize(card, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // A typo in a hand-written card ("vocabluary") must be an error, not a silently ignored field.
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            // Hand-written cards may put "kind" anywhere in a feature object.
            AllowOutOfOrderMetadataProperties = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            // "input": null must be a card error at $.input, not a NullReferenceException in the validator.
            RespectNullableAnnotations = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
