using System.Buffers;
using System.Text;
using Modeling.Text;

namespace Modeling.Files;

/// <summary>
/// The one check a name from outside (a model's name or version, an ONNX file's name, a batch's input file, a stored
/// file's reference) passes before it becomes part of a path: it must be a plain path segment, a name that stays in
/// the folder it is put in, whatever the platform. <see cref="Combine"/> is the one way such names are joined to a folder.
/// </summary>
/// <remarks>
/// A plain segment is 1 to <see cref="MaxBytes"/> bytes of UTF-8; it is not made only of dots (<c>.</c> and <c>..</c> name
/// folders, and Windows drops trailing dots); it has no <c>/</c> or <c>\</c> (folders), no <c>:</c> (a drive or an NTFS stream),
/// none of <c>* ? " &lt; &gt; |</c> (names Windows refuses), no control character (a line break in a name forges log lines),
/// and neither starts nor ends with white space nor ends with a dot (Windows drops them, so two names would be one file).
/// </remarks>
public static class PathSegments
{
    /// <summary>The longest segment, in UTF-8 bytes: what Linux and Windows file systems allow for one name.</summary>
    public const int MaxBytes = 255;

    private static readonly SearchValues<char> Forbidden = SearchValues.Create("/\\:*?\"<>|");

    /// <summary>True when <paramref name="segment"/> is a plain path segment.</summary>
    public static bool IsPlain(string? segment) => Problem(segment) is null;

    /// <summary>Why <paramref name="segment"/> is not a plain path segment, as the end of a sentence about it; null when it is one.</summary>
    public static string? Problem(string? segment)
    {
        if (string.IsNullOrEmpty(segment))
            return "is empty";
        if (Encoding.UTF8.GetByteCount(segment) > MaxBytes)
            return $"is longer than {MaxBytes} bytes";
        if (segment.All(character => character == '.'))
            return "is made only of dots, which name a folder rather than a file";
        if (segment.AsSpan().IndexOfAny(Forbidden) is var forbidden and >= 0)
            return $"contains '{segment[forbidden]}': a name has no folder, drive or wildcard in it";
        if (segment.Any(char.IsControl))
            return "contains a control character";
        if (char.IsWhiteSpace(segment[0]) || char.IsWhiteSpace(segment[^1]) || segment[^1] == '.')
            return "starts or ends with white space, or ends with a dot";
        return null;
    }

    /// <summary><paramref name="segment"/> when it is plain; else throws.</summary>
    /// <exception cref="ArgumentException">When it is not a plain path segment.</exception>
    public static string Checked(string? segment, string parameterName) =>
        Problem(segment) is { } problem
            ? throw new ArgumentException($"'{UserText.Shown(segment)}' is not a plain file or folder name: it {problem}.", parameterName)
            : segment!;

    /// <summary>
    /// The path of <paramref name="segments"/> under <paramref name="root"/> (<c>{root}/{a}/{b}</c>), each checked to be plain,
    /// so the path stays under the root.
    /// </summary>
    /// <exception cref="ArgumentException">When a segment is not a plain path segment.</exception>
    public static string Combine(string root, params ReadOnlySpan<string> segments)
    {
        ArgumentNullException.ThrowIfNull(root);
        var path = root;
        foreach (var segment in segments)
            path = Path.Combine(path, Checked(segment, nameof(segments)));
        return path;
    }
}
