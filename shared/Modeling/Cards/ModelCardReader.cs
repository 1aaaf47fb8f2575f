using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Modeling.Cards;

/// <summary>One thing wrong with a model card: where (a JSON path such as <c>$.features[1].vocabulary</c>) and what.</summary>
/// <param name="Path">JSON path of the offending part.</param>
/// <param name="Message">What is wrong, for a person to fix.</param>
public sealed record ModelCardError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>The outcome of reading a card: the card when valid, otherwise every error found.</summary>
/// <param name="Card">The valid card, or null.</param>
/// <param name="Errors">Empty when the card is valid.</param>
public sealed record ModelCardReadResult(ModelCard? Card, IReadOnlyList<ModelCardError> Errors)
{
    /// <summary>Whether the card was read and is valid.</summary>
    public bool IsValid => Card is not null;
}

/// <summary>Reads model card JSON and validates it, reporting every problem rather than throwing.</summary>
public static partial class ModelCardReader
{
    /// <summary>Reads and validates a card from JSON text.</summary>
    public static ModelCardReadResult Read(string json)
    {
        ModelCard? card;
        try
        {
            card = JsonSerializer.Deserialize<ModelCard>(json, ModelCardJson.Options);
        }
        catch (JsonException exception)
        {
            return Invalid(Located(exception.Path ?? "$", exception.Message, exception.LineNumber));
        }
        catch (NotSupportedException exception)
        {
            // A feature without "kind" cannot be created (FeatureSpec is abstract): System.Text.Json throws
            // NotSupportedException, which has no Path property; its message carries the path and line.
            var location = NotSupportedLocation().Match(exception.Message);
            return Invalid(location.Success
                ? Located(location.Groups["path"].Value, exception.Message, long.Parse(location.Groups["line"].Value, CultureInfo.InvariantCulture))
                : Located("$", exception.Message, null));
        }

        if (card is null)
            return Invalid(new ModelCardError("$", "the card is empty (JSON null)"));

        var errors = ModelCardValidator.Validate(card);
        return errors.Count == 0 ? new ModelCardReadResult(card, []) : new ModelCardReadResult(null, errors);
    }

    /// <summary>Reads and validates a card from a file.</summary>
    public static async Task<ModelCardReadResult> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            return Invalid(new ModelCardError("$", $"no model card at {path}"));
        return Read(await File.ReadAllTextAsync(path, cancellationToken));
    }

    private static ModelCardReadResult Invalid(ModelCardError error) => new(null, [error]);

    // System.Text.Json's messages end with "Path: … | LineNumber: … | BytePositionInLine: …"; the path is
    // reported separately, so keep the sentence and the line. A missing or unknown kind is reported at the kind.
    private static ModelCardError Located(string path, string message, long? line)
    {
        var at = line is { } zeroBased ? $" (line {zeroBased + 1})" : "";
        var kindPath = path.EndsWith(".kind", StringComparison.Ordinal) ? path : $"{path}.kind";
        if (message.Contains("must specify a type discriminator", StringComparison.Ordinal))
            return new ModelCardError(kindPath, $"is required: numeric, categorical or timestamp{at}");
        if (UnknownKind().Match(message) is { Success: true } unknown)
            return new ModelCardError(kindPath, $"'{unknown.Groups["kind"].Value}' is not a feature kind: use numeric, categorical or timestamp{at}");

        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
            message = message[..cut];
        message = message
            .Replace("Modeling.Cards.", "", StringComparison.Ordinal)
            .Replace(" Consider updating its nullability annotation.", "", StringComparison.Ordinal);
        return new ModelCardError(path, message + at);
    }

    [GeneratedRegex(@"Path: (?<path>\S+) \| LineNumber: (?<line>\d+)")]
    private static partial Regex NotSupportedLocation();

    [GeneratedRegex("unrecognized type discriminator id '(?<kind>[^']*)'")]
    private static partial Regex UnknownKind();
}
