using System.Globalization;
using FeatureBuilder.Models;
using Modeling.Features;
using Modeling.Records;

namespace FeatureBuilder.Batches;

/// <summary>
/// Validates and featurizes the rows an input reader reads, numbers them (1 = the first data row) and cuts
/// the valid ones into chunks of <c>chunkSize</c> rows. The cut depends only on the input, so reading the
/// same input again (a resumed batch) gives the same chunks with the same indexes.
/// </summary>
public sealed class BatchChunker : IRecordSink
{
    private readonly Featurizer _featurizer;
    private readonly int _chunkSize;
    private readonly string _entityKeyField;
    private readonly Func<PendingChunk, CancellationToken, ValueTask> _onChunk;
    private readonly Func<PendingChunk, CancellationToken, ValueTask> _onInvalidRows;
    private readonly int _width;
    private float[] _features;
    private long[] _rowNumbers;
    private string?[] _entityKeys;
    private bool _hasEntityKeys;
    private int _count;
    private List<InvalidRow> _invalid = [];

    /// <summary>
    /// A chunker that hands every full chunk to <paramref name="onChunk"/>, and every <paramref name="chunkSize"/>
    /// invalid rows met between two chunks to <paramref name="onInvalidRows"/> (as a chunk without rows, index
    /// -1), so that an input of mostly invalid rows is not held in memory.
    /// </summary>
    public BatchChunker(
        Featurizer featurizer,
        int chunkSize,
        string entityKeyField,
        Func<PendingChunk, CancellationToken, ValueTask> onChunk,
        Func<PendingChunk, CancellationToken, ValueTask> onInvalidRows)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        _featurizer = featurizer;
        _chunkSize = chunkSize;
        _entityKeyField = entityKeyField;
        _onChunk = onChunk;
        _onInvalidRows = onInvalidRows;
        _width = featurizer.Width;
        _features = new float[chunkSize * _width];
        _rowNumbers = new long[chunkSize];
        _entityKeys = new string?[chunkSize];
    }

    /// <summary>Rows read so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Rows refused so far.</summary>
    public long RowsInvalid { get; private set; }

    /// <summary>The next chunk's index: the number of chunks handed over so far.</summary>
    public int ChunkIndex { get; private set; }

    /// <summary>The input's row count, when the reader knew it up front.</summary>
    public long? RowCount { get; private set; }

    /// <inheritdoc />
    public void ReportRowCount(long rows) => RowCount = rows;

    /// <inheritdoc />
    public ValueTask AcceptAsync<TRecord>(TRecord record, CancellationToken cancellationToken) where TRecord : IRawRecord
    {
        var rowNumber = ++RowsRead;
        var result = _featurizer.Featurize(record, _features.AsSpan(_count * _width, _width));
        var entityKey = EntityKeyOf(record.ValueOf(_entityKeyField));
        var keyError = entityKey is null ? null : EntityKeys.Problem(entityKey, _entityKeyField);
        if (!result.IsValid || keyError is not null)
            return AddInvalidAsync(new InvalidRow(rowNumber, keyError is null ? result.Errors : [.. result.Errors, keyError]), cancellationToken);

        _rowNumbers[_count] = rowNumber;
        _entityKeys[_count] = entityKey;
        _hasEntityKeys |= entityKey is not null;
        _count++;
        return _count == _chunkSize ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RejectAsync(FieldError reason, CancellationToken cancellationToken)
    {
        var rowNumber = ++RowsRead;
        return AddInvalidAsync(new InvalidRow(rowNumber, [reason]), cancellationToken);
    }

    private ValueTask AddInvalidAsync(InvalidRow row, CancellationToken cancellationToken)
    {
        RowsInvalid++;
        _invalid.Add(row);
        if (_invalid.Count < _chunkSize)
            return ValueTask.CompletedTask;
        var invalid = _invalid;
        _invalid = [];
        return _onInvalidRows(new PendingChunk(-1, [], [], null, invalid, RowsRead, RowsInvalid), cancellationToken);
    }

    /// <summary>Hands over the last, partial chunk (if it has rows) and returns the rows refused since the last chunk.</summary>
    public async ValueTask<IReadOnlyList<InvalidRow>> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_count > 0)
            await FlushAsync(cancellationToken);
        var invalid = _invalid;
        _invalid = [];
        return invalid;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var chunk = new PendingChunk(
            ChunkIndex,
            _count == _chunkSize ? _features : _features[..(_count * _width)],
            _count == _chunkSize ? _rowNumbers : _rowNumbers[.._count],
            _hasEntityKeys ? (_count == _chunkSize ? _entityKeys : _entityKeys[.._count]) : null,
            _invalid,
            RowsRead,
            RowsInvalid);
        // The chunk keeps the arrays (they travel in the message): start new ones.
        _features = new float[_chunkSize * _width];
        _rowNumbers = new long[_chunkSize];
        _entityKeys = new string?[_chunkSize];
        _hasEntityKeys = false;
        _count = 0;
        _invalid = [];
        ChunkIndex++;
        await _onChunk(chunk, cancellationToken);
    }

    private static string? EntityKeyOf(RawValue value) => value.Kind switch
    {
        RawValueKind.Text => value.Text,
        RawValueKind.Number => value.Number.ToString("R", CultureInfo.InvariantCulture),
        _ => null,
    };
}

/// <summary>A chunk cut from the input, ready to be sent, with the reading progress at its end.</summary>
/// <param name="Index">The chunk's position in the batch.</param>
/// <param name="Features">Its valid rows' features, row-major.</param>
/// <param name="RowNumbers">The input row number of each row.</param>
/// <param name="EntityKeys">Each row's entity key, or null when no row has one.</param>
/// <param name="InvalidRows">The rows refused since the previous chunk.</param>
/// <param name="RowsRead">Rows read up to the end of this chunk.</param>
/// <param name="RowsInvalid">Rows refused up to the end of this chunk.</param>
public sealed record PendingChunk(int Index, float[] Features, long[] RowNumbers, string?[]? EntityKeys, IReadOnlyList<InvalidRow> InvalidRows, long RowsRead, long RowsInvalid);
