namespace Modeling.Records;

/// <summary>
/// The text of a CSV file as the parser reads it, refusing to hand over more than a record's limit past the end of the
/// last record read (plus one read-ahead buffer), so a record with no end (a quote never closed, millions of fields) fails
/// before the parser's buffers grow to hold it.
/// </summary>
internal sealed class BoundedRecordText(TextReader inner, long maxRecordChars, int readAhead, Func<long, Exception> tooLong) : TextReader
{
    private long _delivered;
    private long _recordStart;

    /// <summary>The parser has read a whole record: the next one starts at character <paramref name="consumed"/> of the text.</summary>
    public void RecordEnded(long consumed) => _recordStart = consumed;

    public override int Read(char[] buffer, int index, int count) => Delivered(inner.Read(buffer, index, Allowed(count)));

    public override int Read(Span<char> buffer) => Delivered(inner.Read(buffer[..Allowed(buffer.Length)]));

    public override async Task<int> ReadAsync(char[] buffer, int index, int count) => Delivered(await inner.ReadAsync(buffer, index, Allowed(count)));

    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
        Delivered(await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken));

    public override int Read() => Allowed(1) == 1 ? Delivered(inner.Read()) : -1;

    public override int Peek() => inner.Peek();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }

    private int Allowed(int count)
    {
        var left = _recordStart + maxRecordChars + readAhead - _delivered;
        return left > 0 ? (int)Math.Min(count, left) : throw tooLong(_delivered - _recordStart);
    }

    private int Delivered(int read)
    {
        if (read > 0)
            _delivered += read;
        return read;
    }
}
