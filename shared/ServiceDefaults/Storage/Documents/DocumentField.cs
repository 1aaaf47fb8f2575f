namespace ServiceDefaults.Storage.Documents;

/// <summary>
/// A field of a document that queries filter or order by. Its value is a string, a whole number (<see cref="long"/>,
/// also for <see cref="bool"/>: 0 or 1), a <see cref="double"/>, or a time (<see cref="DateTimeOffset"/>, stored as UTC
/// ticks by both providers: one representation of time, ordered exactly), or null.
/// </summary>
/// <param name="Name">The field's name: lower-case letters, digits and underscores.</param>
/// <param name="Read">Reads the field's value from a document.</param>
public sealed record DocumentField<T>(string Name, Func<T, object?> Read);
