namespace ServiceDefaults.Storage.Documents;

/// <summary>A field queries filter or order by: its name (lower-case letters, digits, underscores) and how to read it (see <see cref="FieldValue"/>).</summary>
public sealed record DocumentField<T>(string Name, Func<T, object?> Read);
