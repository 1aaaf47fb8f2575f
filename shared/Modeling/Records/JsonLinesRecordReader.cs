using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Modeling.Features;

namespace Modeling.Records;

/// <summary>
/// Reads JSON Lines: one JSON object per line (UTF-8), the same record as the online API. Blank lines are skipped; a
/// line that is not a JSON object is an invalid row (with the parser's message), and reading goes on. A line longer than
/// <see cref="RecordLimits.MaxRecordBytes"/> is an invalid row too: it is skipped without being held, never more than
/// the limit of it in memory.
/// </summary>
public sealed class JsonLinesRecordReader(RecordLimits? limits = null) : IRecordReader
{
    private const int ReadSize = 64 * 1024;
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    private static readonly byte[] JsonWhiteSpace = [(byte)' ', (byte)'\t', (byte)'\r'];
    private readonly RecordLimits _limits = limits ?? RecordLimits.Default;

    /// <inheritdoc />
    public async Task ReadAsync(Stream input, IRecordSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sink);
        var max = _limits.MaxRecordBytes;
        var line = ArrayPool<byte>.Shared.Rent(Math.Min(max, ReadSize) + 2);
        var block = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            var length = 0;
            var tooLong = false;
            var first = true;
            int read;
            while ((read = await input.ReadAsync(block.AsMemory(0, ReadSize), cancellationToken)) > 0)
            {
                var position = first && block.AsSpan(0, read).StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
                first = false;
                while (position < read)
                {
                    var end = Array.IndexOf(block, (byte)'\n', position, read - position);
                    var pieceLength = (end < 0 ? read : end) - position;
                    // One byte over the limit is kept: a line may end with "\r\n".
                    if (!tooLong && length + pieceLength > max + 1)
                    {
                        tooLong = true;
                    }
                    else if (!tooLong)
                    {
                        if (length + pieceLength > line.Length)
                            line = Grow(line, length, length + pieceLength);
                        Array.Copy(block, position, line, length, pieceLength);
                        length += pieceLength;
                    }

                    if (end < 0)
                        break;
                    await LineAsync(line, length, tooLong, sink, cancellationToken);
                    (length, tooLong) = (0, false);
                    position = end + 1;
                }
            }

            if (length > 0 || tooLong)
                await LineAsync(line, length, tooLong, sink, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(line);
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    private async ValueTask LineAsync(byte[] buffer, int length, bool tooLong, IRecordSink sink, CancellationToken cancellationToken)
    {
        if (length > 0 && buffer[length - 1] == (byte)'\r')
            length--;
        if (tooLong || length > _limits.MaxRecordBytes)
        {
            await sink.RejectAsync(new FieldError("$", "line_too_long", string.Create(CultureInfo.InvariantCulture,
                $"The line is longer than {_limits.MaxRecordBytes} bytes{_limits.Named(nameof(RecordLimits.MaxRecordBytes))}; it was skipped unread.")), cancellationToken);
            return;
        }

        var text = buffer.AsMemory(0, length);
        if (text.Span.TrimStart(JsonWhiteSpace).IsEmpty)
            return;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException exception)
        {
            await sink.RejectAsync(new FieldError("$", "invalid_json", $"The line is not JSON: {exception.Message}"), cancellationToken);
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                await sink.RejectAsync(
                    new FieldError("$", "not_an_object", $"A record must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}."),
                    cancellationToken);
                return;
            }

            await sink.AcceptAsync(new JsonRecord(document.RootElement), cancellationToken);
        }
    }

    private static byte[] Grow(byte[] line, int length, int needed)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, line.Length * 2));
        line.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(line);
        return larger;
    }
}
