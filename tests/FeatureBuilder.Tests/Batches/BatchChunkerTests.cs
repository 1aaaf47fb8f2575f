using FeatureBuilder.Batches;
using Modeling.Features;

namespace FeatureBuilder.Tests.Batches;

/// <summary>Chunks are cut by valid rows only, the same way every time, and invalid rows never pile up in memory.</summary>
public sealed class BatchChunkerTests
{
    [Fact]
    public async Task Valid_rows_are_cut_into_full_chunks_and_a_last_partial_one_with_their_input_row_numbers()
    {
        var (chunks, invalid, _) = await ChunkAsync(rows: 25, chunkSize: 10, isValid: row => row % 4 != 0);

        Assert.Equal([0, 1], chunks.Select(chunk => chunk.Index));
        Assert.Equal([1L, 2, 3, 5, 6, 7, 9, 10, 11, 13], chunks[0].RowNumbers);
        Assert.Equal(10, chunks[0].RowNumbers.Length);
        Assert.Equal(9, chunks[1].RowNumbers.Length);
        Assert.Equal(chunks[1].RowNumbers.Length * 4, chunks[1].Features.Length);
        Assert.Equal([4L, 8, 12, 16, 20, 24], invalid.Select(row => row.RowNumber));
        Assert.Equal(25, chunks[1].RowsRead);
    }

    [Fact]
    public async Task Reading_the_same_input_again_gives_the_same_chunks()
    {
        var first = await ChunkAsync(rows: 47, chunkSize: 6, isValid: row => row % 5 != 0);
        var second = await ChunkAsync(rows: 47, chunkSize: 6, isValid: row => row % 5 != 0);

        Assert.Equal(first.Chunks.Select(chunk => chunk.RowNumbers), second.Chunks.Select(chunk => chunk.RowNumbers));
        Assert.Equal(first.Chunks.Select(chunk => chunk.Features), second.Chunks.Select(chunk => chunk.Features));
    }

    [Fact]
    public async Task Invalid_rows_are_handed_over_every_chunk_size_rows_even_without_valid_rows()
    {
        var (chunks, _, handedOver) = await ChunkAsync(rows: 35, chunkSize: 10, isValid: _ => false);

        Assert.Empty(chunks);
        Assert.Equal([10, 10, 10], handedOver.Select(part => part.InvalidRows.Count));
        Assert.Equal(30, handedOver[^1].RowsInvalid);
    }

    [Fact]
    public async Task Entity_keys_travel_only_when_a_row_has_one()
    {
        var (chunks, _, _) = await ChunkAsync(rows: 4, chunkSize: 2, isValid: _ => true, entityKey: row => row > 2 ? $"K{row}" : null);

        Assert.Null(chunks[0].EntityKeys);
        Assert.Equal("K3,K4", string.Join(",", chunks[1].EntityKeys!));
    }

    private static async Task<(List<PendingChunk> Chunks, List<InvalidRow> Invalid, List<PendingChunk> HandedOver)> ChunkAsync(
        int rows, int chunkSize, Func<int, bool> isValid, Func<int, string?>? entityKey = null)
    {
        var chunks = new List<PendingChunk>();
        var invalid = new List<InvalidRow>();
        var handedOver = new List<PendingChunk>();
        var chunker = new BatchChunker(TestFeaturizer.Create(), chunkSize, "entityKey",
            (chunk, _) => { chunks.Add(chunk); invalid.AddRange(chunk.InvalidRows); return ValueTask.CompletedTask; },
            (part, _) => { handedOver.Add(part); invalid.AddRange(part.InvalidRows); return ValueTask.CompletedTask; });
        for (var row = 1; row <= rows; row++)
        {
            var record = new Dictionary<string, RawValue>
            {
                ["origin"] = RawValue.Of("ORD"),
                ["distance"] = isValid(row) ? RawValue.Of(100 + row) : RawValue.Of(-1),
                ["date"] = RawValue.Of(new DateTime(2001, 1, 1).AddHours(row)),
                ["entityKey"] = entityKey?.Invoke(row) is { } key ? RawValue.Of(key) : RawValue.Missing,
            };
            await chunker.AcceptAsync(new DictionaryRecord(record), CancellationToken.None);
        }

        invalid.AddRange(await chunker.CompleteAsync(CancellationToken.None));
        return (chunks, invalid, handedOver);
    }

    private readonly struct DictionaryRecord(Dictionary<string, RawValue> values) : IRawRecord
    {
        public RawValue ValueOf(string field) => values.GetValueOrDefault(field);
    }
}
