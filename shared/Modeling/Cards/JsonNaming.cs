using System.Text.Json;

namespace Modeling.Cards;

/// <summary>The one naming rule of model cards: camelCase, for properties and enum values alike.</summary>
internal static class JsonNaming
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
