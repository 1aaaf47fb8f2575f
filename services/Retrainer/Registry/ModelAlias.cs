using System.Text.RegularExpressions;

namespace Retrainer.Registry;

/// <summary>A name that points at one version of a model, e.g. <c>champion</c> → <c>3</c>.</summary>
/// <param name="ModelName">The model.</param>
/// <param name="Name">The alias (<see cref="AliasNames"/>).</param>
/// <param name="Version">The version it points at.</param>
/// <param name="UpdatedAt">When it was last set or moved.</param>
public sealed record ModelAlias(string ModelName, string Name, string Version, DateTimeOffset UpdatedAt);

/// <summary>The aliases with a meaning, and which names an alias may have.</summary>
public static partial class AliasNames
{
    /// <summary>The version that serves the model's traffic.</summary>
    public const string Champion = "champion";

    /// <summary>The version a rollout tests against the champion.</summary>
    public const string Challenger = "challenger";

    /// <summary>The pattern an alias must match: a lower-case letter, then up to 63 lower-case letters, digits, '.', '-' or '_'.</summary>
    public const string Pattern = "^[a-z][a-z0-9._-]{0,63}$";

    /// <summary>Whether <paramref name="alias"/> may be an alias (starting with a letter, so it is never mistaken for a version number).</summary>
    public static bool IsValid(string? alias) => alias is not null && AliasPattern().IsMatch(alias);

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();
}
