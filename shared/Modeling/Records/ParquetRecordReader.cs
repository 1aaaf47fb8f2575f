using Modeling.Features;
using Parquet;
using Parquet.Schema;

namespace Modeling.Records;

/// <summary>
/// Reads Parquet one row group at a time (memory stays at one row group whatever the file size). Top-level
/// columns are matched to the card's fields ignoring case; numbers, text and timestamps map to the raw values
/// the featurizer expects; a null is a missing value. Timestamps keep their clock time (no time-zone
/// conversion), as training read them.
/// </summary>
public sealed class ParquetRecordReader : IRecordReader
{
    /// <inheritdoc />
    public async Task ReadAsync(Stream input, IRecordSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sink);
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(input, leaveStreamOpen: true, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or ParquetException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"The input is not a Parquet file: {exception.Message}", exception);
        }

        await using (reader)
        {
            var fields = reader.Schema.Fields.OfType<DataField>().ToArray();
            var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var column = 0; column < fields.Length; column++)
                columns.TryAdd(fields[column].Name, column);

            sink.ReportRowCount(Enumerable.Range(0, reader.RowGroupCount).Sum(group => reader.OpenRowGroupReader(group).RowCount));
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                using var rowGroup = reader.OpenRowGroupReader(group);
                var rows = checked((int)rowGroup.RowCount);
                var values = new RawValue[fields.Length][];
                for (var column = 0; column < fields.Length; column++)
                    values[column] = await ReadColumnAsync(rowGroup, fields[column], rows, cancellationToken);

                for (var row = 0; row < rows; row++)
                    await sink.AcceptAsync(new ParquetRecord(columns, values, row), cancellationToken);
            }
        }
    }

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
