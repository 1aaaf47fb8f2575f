namespace Modeling.Text;

/// <summary>Text that came from outside (a request, a message, a file) as it may be repeated in a message or a log.</summary>
public static class UserText
{
    /// <summary>How many characters of user text a message or a log line repeats by default.</summary>
    public const int ShownLength = 80;

    /// <summary>
    /// <paramref name="text"/> as it may be shown in a message or a log: at most <paramref name="maxLength"/> characters
    /// (an ellipsis says more were cut) and every control character replaced by <c>?</c>, so user text never forges a log line.
    /// </summary>
    public static string Shown(string? text, int maxLength = ShownLength)
    {
        if (text is null)
            return "";
        var cut = text.Length > maxLength ? text[..maxLength] + "…" : text;
        return string.Create(cut.Length, cut, static (destination, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                destination[i] = char.IsControl(source[i]) ? '?' : source[i];
        });
    }
}
