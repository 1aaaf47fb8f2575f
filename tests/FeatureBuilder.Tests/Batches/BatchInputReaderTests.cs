using System.Text;
using FeatureBuilder.Batches;
using Modeling.Features;
using Modeling.Records;
using Parquet;
using Parquet.Schema;

namespace FeatureBuilder.Tests.Batches;

/// <summary>Each input format reads into the same features, numbers rows from 1, and reports rows it cannot read.</summary>
public sealed class BatchInputReaderTests
{
    // ORD = index 0, LAX = 2; distance as given; 07:45 in February.
    private static readonly float[] ExpectedFirstRow = [0, 1744, 7, 2];
    private static readonly string[] Origins = ["ORD", "ATL"];
    private static readonly long?[] Distances = [1744, null];
    private static readonly DateTime?[] Dates = [new DateTime(2001, 2, 3, 7, 45, 0), new DateTime(2001, 2, 3, 7, 45, 0)];

    [Fact]
    public async Task Csv_matches_the_header_ignoring_case_and_reads_quoted_values()
    {
        const string Csv = "Origin,DISTANCE,date,entityKey\nORD,1744,2001-02-03T07:45:00,\"UA 1, daily\"\nLAX,,2001-02-03T07:45:00,x\n";

        var read = await ReadAsync(RecordFormat.Csv, Encoding.UTF8.GetBytes(Csv));

        Assert.Equal(ExpectedFirstRow, read.Chunks[0].Features[..4]);
        Assert.Equal("UA 1, daily", read.Chunks[0].EntityKeys![0]);
        // The empty distance is a missing value, an error for this feature.
        var invalid = Assert.Single(read.Invalid);
        Assert.Equal(2, invalid.RowNumber);
        Assert.Equal("distance", Assert.Single(invalid.Errors).Field);
    }

    [Fact]
    public async Task Json_lines_skip_blank_lines_and_report_lines_that_are_not_objects_without_stopping()
    {
        const string Lines = """
            {"origin":"ORD","distance":1744,"date":"2001-02-03T07:45:00","entityKey":7}

            {"origin":"ORD",
            [1,2]
            {"origin":"ATL","distance":100,"date":"2001-02-03T07:45:00"}
            """;

        var read = await ReadAsync(RecordFormat.JsonLines, Encoding.UTF8.GetBytes(Lines));

        Assert.Equal([1L, 4L], read.Chunks.SelectMany(chunk => chunk.RowNumbers));
        Assert.Equal("7", read.Chunks[0].EntityKeys![0]);
        Assert.Equal(["invalid_json", "not_an_object"], read.Invalid.Select(row => row.Errors[0].Code));
        Assert.Equal([2L, 3L], read.Invalid.Select(row => row.RowNumber));
    }

    [Fact]
    public async Task Parquet_maps_text_numbers_timestamps_and_nulls_and_knows_its_row_count()
    {
        var origin = new DataField<string>("origin", true);
        var distance = new DataField<long?>("distance");
        var date = new DataField<DateTime?>("date");
        using var file = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(origin, distance, date), file))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(origin, Origins, null);
            await group.WriteAsync<long>(distance, Distances, null, null, CancellationToken.None);
            await group.WriteAsync<DateTime>(date, Dates, null, null, CancellationToken.None);
        }

        var read = await ReadAsync(RecordFormat.Parquet, file.ToArray());

        Assert.Equal(2, read.RowCount);
        Assert.Equal(ExpectedFirstRow, read.Chunks[0].Features);
        Assert.Equal(2, Assert.Single(read.Invalid).RowNumber);
    }

    [Fact]
    public async Task A_file_that_is_not_Parquet_is_refused_as_invalid_data() =>
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(RecordFormat.Parquet, Encoding.UTF8.GetBytes("origin,distance\nORD,1\n")));

    private static async Task<(List<PendingChunk> Chunks, List<InvalidRow> Invalid, long? RowCount)> ReadAsync(RecordFormat format, byte[] input)
    {
        var chunks = new List<PendingChunk>();
        var invalid = new List<InvalidRow>();
        var chunker = new BatchChunker(TestFeaturizer.Create(), 100, "entityKey",
            (chunk, _) => { chunks.Add(chunk); invalid.AddRange(chunk.InvalidRows); return ValueTask.CompletedTask; },
            (rows, _) => { invalid.AddRange(rows.InvalidRows); return ValueTask.CompletedTask; });
        using var stream = new MemoryStream(input);
        await RecordReaders.For(format).ReadAsync(stream, chunker, CancellationToken.None);
        invalid.AddRange(await chunker.CompleteAsync(CancellationToken.None));
        return (chunks, invalid, chunker.RowCount);
    }
}
