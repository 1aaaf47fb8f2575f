namespace Modeling.Text;

/// <summary>
/// Text that came from outside (a request, a message, a file): the one check of what may be kept (<see cref="Problem"/>:
/// ids, keys and reasons have a length limit and no control character) and the one way it is repeated in a message or a
/// log (<see cref="Shown(string?, int)"/>: cut short, control characters replaced).
/// </summary>
public static class UserText
{
    /// <summary>How many characters of user text a message or a log line repeats by default.</summary>
    public const int ShownLength = 80;

    /// <summary>The longest id or key kept: an entity key, an outcome id, a correlation id, a model name or a label in a message.</summary>
    public const int MaxKeyLength = 200;

    /// <summary>The longest reason kept: why a retraining was asked for, why a rollout was paused, resumed, promoted or rolled back.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>
    /// Why <paramref name="text"/> cannot be kept as it is, as the end of a sentence about it (<c>is longer than 200
    /// characters</c>, <c>contains a control character</c>); null when it can.
    /// </summary>
    public static string? Problem(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > maxLength)
            return $"is longer than {maxLength} characters";
        return text.Any(char.IsControl) ? "contains a control character (a line break, a tab, …)" : null;
    }

    /// <summary>
    /// <paramref name="text"/> as it may be shown in a message or a log: at most <paramref name="maxLength"/> characters
    /// (an ellipsis says more were cut) and every control character replaced by <c>?</c>, so user text never forges a log line.
    /// </summary>
    public static string Shown(string? text, int maxLength = ShownLength) => text is null ? "" : Shown(text.AsSpan(), maxLength);

    /// <summary><paramref name="text"/> as it may be shown, as <see cref="Shown(string?, int)"/> shows a string.</summary>
    public static string Shown(ReadOnlySpan<char> text, int maxLength = ShownLength)
    {
        var cut = text.Length > maxLength ? text[..maxLength] : text;
        var shown = new char[cut.Length + (cut.Length < text.Length ? 1 : 0)];
        for (var i = 0; i < cut.Length; i++)
            shown[i] = char.IsControl(cut[i]) ? '?' : cut[i];
        if (cut.Length < text.Length)
            shown[^1] = '…';
        return new string(shown);
    }
}
