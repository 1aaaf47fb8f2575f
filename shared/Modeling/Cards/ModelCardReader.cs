using System.Text.Json;

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
public static class ModelCardReader
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
            return Invalid(new ModelCardError(exception.Path ?? "$", Describe(exception)));
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
    // reported separately, so keep the sentence and the line.
    private static string Describe(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
            message = message[..cut];
        message = message.Replace("Modeling.Cards.", "", StringComparison.Ordinal);
        return exception.LineNumber is { } line ? $"{message} (line {line + 1})" : message;
    }
}
