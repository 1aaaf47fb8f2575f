using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Modeling.Flights;

/// <summary>
/// Streams the flights of <c>flights-3m.parquet</c> (ZSTD; columns date, delay, distance, origin, destination;
/// ordered by date) one row group at a time, so memory stays at one row group whatever the file size.
/// Rows with a missing value are skipped (the file has none).
/// </summary>
public static class FlightsParquetReader
{
    /// <summary>Flights with <paramref name="from"/> ≤ date &lt; <paramref name="to"/> (either bound optional), in file order.</summary>
    public static async IAsyncEnumerable<FlightRecord> ReadAsync(
        string path, DateTime? from = null, DateTime? to = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        var fields = reader.Schema.GetDataFields();
        var date = Field(fields, "date");
        var delay = Field(fields, "delay");
        var distance = Field(fields, "distance");
        var origin = Field(fields, "origin");
        var destination = Field(fields, "destination");
        // Airport codes repeat millions of times; keep one string per code.
        var airports = new Dictionary<string, string>(StringComparer.Ordinal);

        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            if (IsOutside(rowGroup.GetStatistics(date), date, from, to))
                continue;

            var count = checked((int)rowGroup.RowCount);
            var dates = new DateTime?[count];
            var delays = new long?[count];
            var distances = new long?[count];
            var origins = new string[count];
            var destinations = new string[count];
            await rowGroup.ReadAsync<DateTime>(date, dates, null, cancellationToken);
            await rowGroup.ReadAsync<long>(delay, delays, null, cancellationToken);
            await rowGroup.ReadAsync<long>(distance, distances, null, cancellationToken);
            await rowGroup.ReadAsync(origin, origins, null, cancellationToken);
            await rowGroup.ReadAsync(destination, destinations, null, cancellationToken);

            for (var i = 0; i < count; i++)
            {
                if (dates[i] is not { } when || delays[i] is not { } late || distances[i] is not { } miles
                    || origins[i] is not { } originCode || destinations[i] is not { } destinationCode)
                    continue;
                when = DateTime.SpecifyKind(when, DateTimeKind.Unspecified);
                if (when < from || when >= to)
                    continue;
                yield return new FlightRecord(when, (int)late, (int)miles, Intern(airports, originCode), Intern(airports, destinationCode));
            }
        }
    }

    private static DataField Field(DataField[] fields, string name) =>
        fields.FirstOrDefault(field => field.Name == name)
        ?? throw new InvalidDataException($"the flights file has no '{name}' column (columns: {string.Join(", ", fields.Select(field => field.Name))})");

    private static bool IsOutside(Parquet.Data.DataColumnStatistics? statistics, DataField field, DateTime? from, DateTime? to) =>
        statistics is not null && AsDateTime(statistics.MinValue, field) is { } min && AsDateTime(statistics.MaxValue, field) is { } max
        && (max < from || min >= to);

    // Parquet.Net gives the statistics of an INT64 timestamp column as the stored number (flights-3m: microseconds
    // since the epoch, local clock time), not as a DateTime; without the conversion no row group is ever skipped.
    private static DateTime? AsDateTime(object? value, DataField field)
    {
        if (value is DateTime dateTime)
            return dateTime;
        if (value is not long stored || field is not DateTimeDataField timestamp)
            return null;
        Int128? ticks = (timestamp.DateTimeFormat, timestamp.Unit) switch
        {
            (DateTimeFormat.DateAndTime, _) or (DateTimeFormat.Timestamp, DateTimeTimeUnit.Millis) => (Int128)stored * TimeSpan.TicksPerMillisecond,
            (DateTimeFormat.DateAndTimeMicros, _) or (DateTimeFormat.Timestamp, DateTimeTimeUnit.Micros) => (Int128)stored * TimeSpan.TicksPerMicrosecond,
            (DateTimeFormat.Timestamp, DateTimeTimeUnit.Nanos) => stored / 100,
            _ => null,
        };
        var absolute = ticks + DateTime.UnixEpoch.Ticks;
        return absolute >= DateTime.MinValue.Ticks && absolute <= DateTime.MaxValue.Ticks
            ? new DateTime((long)absolute.Value, DateTimeKind.Unspecified)
            : null;
    }

    private static string Intern(Dictionary<string, string> pool, string value)
    {
        if (pool.TryGetValue(value, out var pooled))
            return pooled;
        pool[value] = value;
        return value;
    }
}
