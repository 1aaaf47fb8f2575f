using System.Text;
using Parquet;
using Parquet.Schema;

namespace TestSupport;

/// <summary>
/// Record files made to break a reader: a Parquet file whose metadata claims another row count than it holds, and
/// streams of hundreds of megabytes produced as they are read (never held in memory), such as one JSON line or one
/// CSV field of that size.
/// </summary>
public static class CraftedRecordFiles
{
    /// <summary>
    /// A Parquet file with one row group of <paramref name="rows"/> rows of the double column <c>x</c> (and the string column
    /// <c>y</c>) whose footer says it has <paramref name="claimedRows"/> instead (the file's, the row group's and the column
    /// chunks' counts). Both counts must take as many bytes in Thrift's variable-length encoding (e.g. 64 to 8191).
    /// </summary>
    public static async Task<byte[]> LyingParquetAsync(int rows, long claimedRows)
    {
        var x = new DataField<double?>("x");
        var y = new DataField<string>("y", true);
        using var file = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(x, y), file))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(x, Enumerable.Range(0, rows).Select(row => (double?)row).ToArray(), null, null, CancellationToken.None);
            await group.WriteAsync(y, Enumerable.Range(0, rows).Select(row => $"r{row}").ToArray(), null);
        }

        var bytes = file.ToArray();
        var (truth, lie) = (VarInt(ZigZag(rows)), VarInt(ZigZag(claimedRows)));
        if (truth.Length != lie.Length)
            throw new ArgumentException($"{rows} and {claimedRows} rows take {truth.Length} and {lie.Length} bytes: choose counts of the same encoded length.", nameof(claimedRows));
        var footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        var footerStart = bytes.Length - 8 - footerLength;
        var replaced = 0;
        for (var at = footerStart; at <= bytes.Length - 8 - truth.Length; at++)
        {
            // An i64 field (compact type 6) followed by the count: num_rows and num_values.
            if ((bytes[at - 1] & 0x0F) == 6 && bytes.AsSpan(at, truth.Length).SequenceEqual(truth))
            {
                lie.CopyTo(bytes, at);
                replaced++;
            }
        }

        return replaced >= 2 ? bytes : throw new InvalidOperationException($"The footer's row counts were not found ({replaced} replaced).");
    }

    /// <summary>A stream of <paramref name="prefix"/>, then <paramref name="fillBytes"/> copies of <paramref name="fill"/>, then <paramref name="suffix"/>, made as it is read.</summary>
    public static Stream Repeated(string prefix, byte fill, long fillBytes, string suffix) =>
        new RepeatedStream(Encoding.UTF8.GetBytes(prefix), fill, fillBytes, Encoding.UTF8.GetBytes(suffix));

    private static long ZigZag(long value) => (value << 1) ^ (value >> 63);

    private static byte[] VarInt(long value)
    {
        var bytes = new List<byte>();
        var rest = (ulong)value;
        while (rest >= 0x80)
        {
            bytes.Add((byte)(rest | 0x80));
            rest >>= 7;
        }

        bytes.Add((byte)rest);
        return [.. bytes];
    }

    private sealed class RepeatedStream(byte[] prefix, byte fill, long fillBytes, byte[] suffix) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => prefix.Length + fillBytes + suffix.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length && _position < Length)
            {
                if (_position < prefix.Length)
                {
                    buffer[written++] = prefix[_position++];
                    continue;
                }

                var inFill = _position - prefix.Length;
                if (inFill < fillBytes)
                {
                    var run = (int)Math.Min(buffer.Length - written, fillBytes - inFill);
                    buffer.Slice(written, run).Fill(fill);
                    written += run;
                    _position += run;
                    continue;
                }

                buffer[written++] = suffix[_position - prefix.Length - fillBytes];
                _position++;
            }

            return written;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
