using System.Globalization;
using Modeling.Features;
using Parquet;
using Parquet.Schema;

namespace Modeling.Records;

/// <summary>
/// Reads Parquet one row group at a time (memory stays at one row group whatever the file size). Top-level
/// columns are matched to the card's fields ignoring case; numbers, text and timestamps map to the raw values
/// the featurizer expects; a null is a missing value. Timestamps keep their clock time (no time-zone
/// conversion), as training read them. A row group is checked before it is read: it may hold at most
/// <see cref="RecordLimits.MaxRowGroupValues"/> values (rows × columns), which bounds the reader's memory whatever the
/// file's metadata claims; anything Parquet.Net cannot read is the input's fault (<see cref="InvalidDataException"/>).
/// </summary>
public sealed class ParquetRecordReader(RecordLimits? limits = null) : IRecordReader
{
    private readonly RecordLimits _limits = limits ?? RecordLimits.Default;

    /// <summary>
    /// Checks what the file's footer says without reading a row: it is a Parquet file, and none of its row groups holds more
    /// values than the limit. A batch's upload is checked so when it is received (400 instead of a batch that fails).
    /// </summary>
    /// <returns>The rows the footer says the file has.</returns>
    /// <exception cref="InvalidDataException">When it is not a Parquet file or a row group is beyond the limit.</exception>
    public async Task<long> CheckAsync(Stream input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var reader = await OpenAsync(input, cancellationToken);
        var columns = reader.Schema.Fields.OfType<DataField>().Count();
        var rows = 0L;
        for (var group = 0; group < reader.RowGroupCount; group++)
            rows += CheckedRowCount(reader, group, columns);
        return rows;
    }

    /// <inheritdoc />
    public async Task ReadAsync(Stream input, IRecordSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sink);
        await using (var reader = await OpenAsync(input, cancellationToken))
        {
            var fields = reader.Schema.Fields.OfType<DataField>().ToArray();
            var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var column = 0; column < fields.Length; column++)
                columns.TryAdd(fields[column].Name, column);

            var counts = new long[reader.RowGroupCount];
            for (var group = 0; group < counts.Length; group++)
                counts[group] = CheckedRowCount(reader, group, fields.Length);
            sink.ReportRowCount(counts.Sum());
            for (var group = 0; group < counts.Length; group++)
            {
                var rows = (int)counts[group];
                var values = new RawValue[fields.Length][];
                try
                {
                    using var rowGroup = reader.OpenRowGroupReader(group);
                    for (var column = 0; column < fields.Length; column++)
                        values[column] = await ReadColumnAsync(rowGroup, fields[column], rows, cancellationToken);
                }
                catch (Exception exception) when (IsInputFault(exception))
                {
                    throw new InvalidDataException($"Row group {group} of the Parquet input cannot be read: {exception.Message}", exception);
                }

                for (var row = 0; row < rows; row++)
                    await sink.AcceptAsync(new ParquetRecord(columns, values, row), cancellationToken);
            }
        }
    }

    private static async Task<ParquetReader> OpenAsync(Stream input, CancellationToken cancellationToken)
    {
        try
        {
            return await ParquetReader.CreateAsync(input, leaveStreamOpen: true, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (IsInputFault(exception))
        {
            throw new InvalidDataException($"The input is not a Parquet file: {exception.Message}", exception);
        }
    }

    // A row group's row count as its metadata states it, refused before anything is allocated for it when it is negative or
    // its values would be more than the limit.
    private long CheckedRowCount(ParquetReader reader, int group, int columns)
    {
        long rows;
        try
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            rows = rowGroup.RowCount;
        }
        catch (Exception exception) when (IsInputFault(exception))
        {
            throw new InvalidDataException($"Row group {group} of the Parquet input cannot be read: {exception.Message}", exception);
        }

        if (rows < 0 || rows > Array.MaxLength || (columns > 0 && rows > _limits.MaxRowGroupValues / columns))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Row group {group} of the Parquet input says it has {rows} rows of {columns} columns, more than the {_limits.MaxRowGroupValues} values a row group may hold{_limits.Named(nameof(RecordLimits.MaxRowGroupValues))}: write the file with smaller row groups (pyarrow: pq.write_table(table, path, row_group_size=100_000))."));
        }

        return rows;
    }

    // What Parquet.Net throws for a file it cannot read (a format error, metadata that contradicts the data), as opposed
    // to a cancellation.
    private static bool IsInputFault(Exception exception) => exception is not OperationCanceledException;

    private static async ValueTask<RawValue[]> ReadColumnAsync(ParquetRowGroupReader rowGroup, DataField field, int rows, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var texts = new string[rows];
            await rowGroup.ReadAsync(field, texts, null, cancellationToken);
            return Array.ConvertAll(texts, RawValue.Of);
        }

        return type switch
        {
            _ when type == typeof(double) => await ReadValuesAsync<double>(rowGroup, field, rows, number => RawValue.Of(number), cancellationToken),
            _ when type == typeof(float) => await ReadValuesAsync<float>(rowGroup, field, rows, number => RawValue.Of(number), cancellationToken),
            _ when type == typeof(long) => await ReadValuesAsync<long>(rowGroup, field, rows, number => RawValue.Of(number), cancellationToken),
            _ when type == typeof(int) => await ReadValuesAsync<int>(rowGroup, field, rows, number => RawValue.Of(number), cancellationToken),
            _ when type == typeof(short) => await ReadValuesAsync<short>(rowGroup, field, rows, number => RawValue.Of(number), cancellationToken),
            _ when type == typeof(sbyte) => await ReadValuesAsync<sbyte>(rowGroup, field, rows, number => RawValue.Of(number), cancellationToken),
            _ when type == typeof(byte) => await ReadValuesAsync<byte>(rowGroup, field, rows, number => RawValue.Of(number), cancellationToken),
            _ when type == typeof(ushort) => await ReadValuesAsync<ushort>(rowGroup, field, rows, number => RawValue.Of(number), cancellationToken),
            _ when type == typeof(uint) => await ReadValuesAsync<uint>(rowGroup, field, rows, number => RawValue.Of(number), cancellationToken),
            _ when type == typeof(ulong) => await ReadValuesAsync<ulong>(rowGroup, field, rows, number => RawValue.Of(number), cancellationToken),
            _ when type == typeof(decimal) => await ReadValuesAsync<decimal>(rowGroup, field, rows, number => RawValue.Of((double)number), cancellationToken),
            // Clock time as stored, no time-zone conversion: training read the file the same way.
            _ when type == typeof(DateTime) => await ReadValuesAsync<DateTime>(
                rowGroup, field, rows, timestamp => RawValue.Of(DateTime.SpecifyKind(timestamp, DateTimeKind.Unspecified)), cancellationToken),
            _ when type == typeof(DateOnly) => await ReadValuesAsync<DateOnly>(rowGroup, field, rows, date => RawValue.Of(date.ToDateTime(TimeOnly.MinValue)), cancellationToken),
            _ when type == typeof(bool) => await ReadValuesAsync<bool>(rowGroup, field, rows, flag => RawValue.Unsupported(flag ? "true" : "false"), cancellationToken),
            // A column no feature can use (bytes, nested): its fields read as unsupported values, named by type.
            _ => Enumerable.Repeat(RawValue.Unsupported($"a Parquet {type.Name} column"), rows).ToArray(),
        };
    }

    private static async ValueTask<RawValue[]> ReadValuesAsync<T>(
        ParquetRowGroupReader rowGroup, DataField field, int rows, Func<T, RawValue> convert, CancellationToken cancellationToken)
        where T : struct
    {
        var stored = new T?[rows];
        await rowGroup.ReadAsync(field, stored.AsMemory(), null, cancellationToken);
        var raw = new RawValue[rows];
        for (var row = 0; row < rows; row++)
            raw[row] = stored[row] is { } value ? convert(value) : RawValue.Missing;
        return raw;
    }

    private readonly struct ParquetRecord(Dictionary<string, int> columns, RawValue[][] values, int row) : IRawRecord
    {
        public RawValue ValueOf(string field) => columns.TryGetValue(field, out var column) ? values[column][row] : RawValue.Missing;
    }
}
