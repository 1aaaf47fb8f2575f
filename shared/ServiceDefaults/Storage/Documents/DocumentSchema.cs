using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServiceDefaults.Storage.Documents;

/// <summary>
/// A collection as a typed store declares it: name, key, the fields it filters and orders by (copied beside the document
/// so both providers can index them), and indexes. The document is stored whole as JSON; providers never look inside.
/// </summary>
public sealed class DocumentSchema<T>
{
    /// <summary>The collection's name: lower-case letters, digits and underscores (a SQLite table, a MongoDB collection).</summary>
    public required string Name { get; init; }

    /// <summary>The document's key, unique in the collection.</summary>
    public required Func<T, string> Key { get; init; }

    /// <summary>The fields queries may filter and order by.</summary>
    public IReadOnlyList<DocumentField<T>> Fields { get; init; } = [];

    /// <summary>The indexes, each a list of field names (ordered as the index); each ends with the key, which breaks ties in an order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Indexes { get; init; } = [];

    /// <summary>How documents are written as JSON: web defaults, enums by name (read in any case), text unescaped.</summary>
    public JsonSerializerOptions Json => Defaults;

    private static JsonSerializerOptions Defaults { get; } =
        new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() }, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The declared field named <paramref name="name"/>; throws when there is none.</summary>
    public DocumentField<T> Field(string name) =>
        Fields.FirstOrDefault(field => field.Name == name)
        ?? throw new ArgumentException($"The collection '{Name}' declares no field '{name}'.", nameof(name));
}
