namespace ServiceDefaults.Storage.Documents;

/// <summary>How both providers store a field's value, so a query compares what was stored.</summary>
public static class FieldValue
{
    /// <summary>The value as stored: strings and numbers as they are, booleans as 0/1, times as UTC ticks.</summary>
    public static object? Stored(object? value) => value switch
    {
        null => null,
        string or long or double => value,
        int number => (long)number,
        bool flag => flag ? 1L : 0L,
        DateTimeOffset time => time.UtcTicks,
        Guid id => id.ToString("N"),
        Enum choice => choice.ToString(),
        _ => throw new ArgumentException($"A document field holds a string, a number, a boolean, a time, a Guid or an enum, not {value.GetType().Name}."),
    };
}
