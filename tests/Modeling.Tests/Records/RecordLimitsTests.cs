using System.Text;
using Modeling.Features;
using Modeling.Records;

namespace Modeling.Tests.Records;

/// <summary>
/// Records larger than their limits, checked before the reader holds them: a JSON line or a CSV field of hundreds of
/// megabytes (made as they are read, never in memory), a CSV record of millions of fields, a Parquet row group whose
/// metadata claims more rows than the limit or than it holds.
/// </summary>
public sealed class RecordLimitsTests
{
    private const long HundredsOfMegabytes = 300L * 1024 * 1024;
    private static readonly RecordLimits Small = new(MaxRecordBytes: 4096, MaxRowGroupValues: 4096, SettingsSection: "Test");

    [Fact]
    public async Task A_json_line_of_hundreds_of_megabytes_is_an_invalid_row_skipped_unread_and_reading_goes_on()
    {
        using var input = CraftedRecordFiles.Repeated("{\"x\":1}\n{\"x\":\"", (byte)'a', HundredsOfMegabytes, "\"}\n{\"x\":2}\n");

        var read = await ReadAsync(RecordFormat.JsonLines, input, RecordLimits.Default);

        Assert.Equal(["1", "2"], read.Accepted);
        var rejected = Assert.Single(read.Rejected);
        Assert.Equal("line_too_long", rejected.Code);
        Assert.Contains("longer than 1048576 bytes", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(input.Length, input.Position);
    }

    [Fact]
    public async Task A_json_line_as_long_as_the_limit_is_read()
    {
        var value = new string('a', Small.MaxRecordBytes - "{\"x\":\"\"}".Length);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes($"{{\"x\":\"{value}\"}}\r\n\n  \n{{\"x\":3}}"));

        var read = await ReadAsync(RecordFormat.JsonLines, input, Small);

        Assert.Equal([value, "3"], read.Accepted);
        Assert.Empty(read.Rejected);
    }

    [Fact]
    public async Task A_json_line_one_byte_over_the_limit_is_refused_naming_the_setting()
    {
        var value = new string('a', Small.MaxRecordBytes - "{\"x\":\"\"}".Length + 1);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes($"{{\"x\":\"{value}\"}}\n{{\"x\":3}}\n"));

        var read = await ReadAsync(RecordFormat.JsonLines, input, Small);

        Assert.Equal(["3"], read.Accepted);
        Assert.Contains("(Test:MaxRecordBytes)", Assert.Single(read.Rejected).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_field_of_hundreds_of_megabytes_refuses_the_input_before_it_is_held()
    {
        using var input = CraftedRecordFiles.Repeated("x,y\n1,2\n3,\"", (byte)'a', HundredsOfMegabytes, "\"\n5,6\n");

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(RecordFormat.Csv, input, RecordLimits.Default));

        Assert.Contains("longer than 1048576 characters", refused.Message, StringComparison.Ordinal);
        Assert.True(input.Position < 4L * RecordLimits.DefaultMaxRecordBytes, $"{input.Position} bytes were read");
    }

    [Fact]
    public async Task A_csv_record_of_millions_of_fields_refuses_the_input_before_it_is_held()
    {
        using var input = CraftedRecordFiles.Repeated("x,y\n1,2\n3", (byte)',', HundredsOfMegabytes, "\n5,6\n");

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(RecordFormat.Csv, input, Small));

        Assert.Contains("at line 3", refused.Message, StringComparison.Ordinal);
        Assert.Contains("(Test:MaxRecordBytes)", refused.Message, StringComparison.Ordinal);
        Assert.True(input.Position < 1024 * 1024, $"{input.Position} bytes were read");
    }

    [Fact]
    public async Task A_csv_file_far_longer_than_the_limit_in_short_records_is_read_whole()
    {
        var csv = new StringBuilder("x,y\n");
        for (var row = 0; row < 20_000; row++)
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{row},\"quoted, {row}\"\n");
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));

        var read = await ReadAsync(RecordFormat.Csv, input, Small);

        Assert.Equal(20_000, read.Accepted.Count);
        Assert.Equal("19999", read.Accepted[^1]);
    }

    [Fact]
    public async Task A_parquet_row_group_claiming_more_values_than_the_limit_is_refused_before_it_is_read()
    {
        using var input = new MemoryStream(await CraftedRecordFiles.LyingParquetAsync(rows: 64, claimedRows: 8_000));

        var read = new Sink();
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => RecordReaders.For(RecordFormat.Parquet, Small).ReadAsync(input, read, CancellationToken.None));

        Assert.Contains("says it has 8000 rows of 2 columns", refused.Message, StringComparison.Ordinal);
        Assert.Contains("(Test:MaxRowGroupValues)", refused.Message, StringComparison.Ordinal);
        Assert.Empty(read.Accepted);
    }

    [Fact]
    public async Task A_parquet_file_claiming_more_rows_than_it_holds_is_invalid_data()
    {
        using var input = new MemoryStream(await CraftedRecordFiles.LyingParquetAsync(rows: 64, claimedRows: 8_000));

        var read = new Sink();
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => RecordReaders.For(RecordFormat.Parquet).ReadAsync(input, read, CancellationToken.None));

        Assert.StartsWith("Row group 0 of the Parquet input cannot be read", refused.Message, StringComparison.Ordinal);
        Assert.Empty(read.Accepted);
    }

    [Fact]
    public async Task A_parquet_file_within_the_limits_is_read()
    {
        using var input = new MemoryStream(await CraftedRecordFiles.LyingParquetAsync(rows: 64, claimedRows: 64));

        var read = await ReadAsync(RecordFormat.Parquet, input, Small);

        Assert.Equal(64, read.Accepted.Count);
        Assert.Equal(64, read.RowCount);
    }

    private static async Task<Sink> ReadAsync(RecordFormat format, Stream input, RecordLimits limits)
    {
        var sink = new Sink();
        await RecordReaders.For(format, limits).ReadAsync(input, sink, CancellationToken.None);
        return sink;
    }

    // Keeps field x of each row as text, and each rejected row's first error.
    private sealed class Sink : IRecordSink
    {
        public List<string> Accepted { get; } = [];

        public List<FieldError> Rejected { get; } = [];

        public long? RowCount { get; private set; }

        public void ReportRowCount(long rows) => RowCount = rows;

        public ValueTask AcceptAsync<TRecord>(TRecord record, CancellationToken cancellationToken) where TRecord : IRawRecord
        {
            var value = record.ValueOf("x");
            Accepted.Add(value.Text ?? value.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return ValueTask.CompletedTask;
        }

        public ValueTask RejectAsync(FieldError reason, CancellationToken cancellationToken)
        {
            Rejected.Add(reason);
            return ValueTask.CompletedTask;
        }
    }
}
