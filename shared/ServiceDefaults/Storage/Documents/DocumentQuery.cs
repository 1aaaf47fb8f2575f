namespace ServiceDefaults.Storage.Documents;

/// <summary>How a condition compares a field with a value: <see cref="Equal"/> (null matches null), <see cref="In"/> a list, or a range.</summary>
public enum Comparison { Equal, In, Less, LessOrEqual, Greater, GreaterOrEqual }

/// <summary>One condition on a declared field; values are converted with <see cref="FieldValue.Stored"/>.</summary>
public sealed record Condition(string Field, Comparison Comparison, object? Value);

/// <summary>One key of an order: a declared field, ascending or descending. Ties are broken by the document key, in the same direction.</summary>
public sealed record OrderBy(string Field, bool Descending = false);

/// <summary>
/// Which documents to read: every condition holds (none: all), in <see cref="Order"/> then by key, at most
/// <see cref="Limit"/>. Built fluently: <c>DocumentQuery.Where("model", Comparison.Equal, name).OrderByDescending("started").Take(20)</c>.
/// </summary>
public sealed record DocumentQuery(IReadOnlyList<Condition> Conditions, IReadOnlyList<OrderBy> Order, int? Limit)
{
    /// <summary>The document's key, usable in conditions and orders like a declared field (no field may be named so).</summary>
    public const string KeyField = "_key";

    /// <summary>Every document, in key order.</summary>
    public static DocumentQuery All { get; } = new([], [], null);

    /// <summary>The documents whose <paramref name="field"/> compares to <paramref name="value"/> as asked.</summary>
    public static DocumentQuery Where(string field, Comparison comparison, object? value) => All.And(field, comparison, value);

    /// <summary>The documents whose <paramref name="field"/> equals <paramref name="value"/>.</summary>
    public static DocumentQuery Where(string field, object? value) => All.And(field, Comparison.Equal, value);

    /// <summary>This query with one more condition.</summary>
    public DocumentQuery And(string field, Comparison comparison, object? value) =>
        this with { Conditions = [.. Conditions, new Condition(field, comparison, value)] };

    /// <summary>This query with one more equality condition.</summary>
    public DocumentQuery And(string field, object? value) => And(field, Comparison.Equal, value);

    /// <summary>This query ordered by <paramref name="field"/> ascending (after any earlier order keys).</summary>
    public DocumentQuery OrderByAscending(string field) => this with { Order = [.. Order, new OrderBy(field)] };

    /// <summary>This query ordered by <paramref name="field"/> descending (after any earlier order keys).</summary>
    public DocumentQuery OrderByDescending(string field) => this with { Order = [.. Order, new OrderBy(field, Descending: true)] };

    /// <summary>This query reading at most <paramref name="limit"/> documents.</summary>
    public DocumentQuery Take(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return this with { Limit = limit };
    }
}
