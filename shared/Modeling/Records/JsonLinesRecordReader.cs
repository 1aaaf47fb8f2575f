using System.Text.Json;
using Modeling.Features;

namespace Modeling.Records;

/// <summary>
/// Reads JSON Lines: one JSON object per line, the same record as the online API. Blank lines are skipped; a
/// line that is not a JSON object is an invalid row (with the parser's message), and reading goes on.
/// </summary>
public sealed class JsonLinesRecordReader : IRecordReader
{
    /// <inheritdoc />
    public async Task ReadAsync(Stream input, IRecordSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sink);
        using var text = new StreamReader(input, leaveOpen: true);
        while (await text.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException exception)
            {
                await sink.RejectAsync(new FieldError("$", "invalid_json", $"The line is not JSON: {exception.Message}"), cancellationToken);
                continue;
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await sink.RejectAsync(
                        new FieldError("$", "not_an_object", $"A record must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}."),
                        cancellationToken);
                    continue;
                }

                await sink.AcceptAsync(new JsonRecord(document.RootElement), cancellationToken);
            }
        }
    }
}
