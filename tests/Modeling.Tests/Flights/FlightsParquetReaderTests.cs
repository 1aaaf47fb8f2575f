using System.Text.RegularExpressions;
using Modeling.Flights;
using Modeling.Tests.Bundles;
using Parquet;

namespace Modeling.Tests.Flights;

/// <summary>January 2001 of the demo file, read once for all the reader tests.</summary>
public sealed class JanuaryFlights
{
    public static readonly DateTime Start = new(2001, 1, 1);
    public static readonly DateTime End = new(2001, 2, 1);

    private readonly Lazy<Task<List<FlightRecord>>> _flights = new(() => ReadAsync(Start, End));

    public Task<List<FlightRecord>> GetAsync() => _flights.Value;

    public static async Task<List<FlightRecord>> ReadAsync(DateTime? from, DateTime? to, string? path = null)
    {
        var flights = new List<FlightRecord>();
        await foreach (var flight in FlightsParquetReader.ReadAsync(path ?? DemoDataEnvironment.FlightsFile(), from, to))
            flights.Add(flight);
        return flights;
    }
}

public sealed partial class FlightsParquetReaderTests(JanuaryFlights january) : IClassFixture<JanuaryFlights>
{
    [DemoDataFact]
    public async Task January_2001_has_508239_flights()
    {
        Assert.Equal(508_239, (await january.GetAsync()).Count);
    }

    [DemoDataFact]
    public async Task Window_returns_only_flights_from_its_start_to_before_its_end()
    {
        var flights = await january.GetAsync();

        Assert.All(flights, flight => Assert.InRange(flight.Date, JanuaryFlights.Start, JanuaryFlights.End.AddTicks(-1)));
        Assert.Equal(new DateTime(2001, 1, 1, 0, 1, 0), flights[0].Date);
        Assert.Equal(new DateTime(2001, 1, 31, 23, 57, 0), flights[^1].Date);
    }

    [DemoDataFact]
    public async Task Flights_at_the_end_of_a_window_belong_to_the_next_window()
    {
        // The file has flights at exactly 2001-02-01T00:00: not January's, but the first of February's.
        var atEnd = await JanuaryFlights.ReadAsync(JanuaryFlights.End, JanuaryFlights.End.AddMinutes(1));

        Assert.NotEmpty(atEnd);
        Assert.All(atEnd, flight => Assert.Equal(JanuaryFlights.End, flight.Date));
        Assert.DoesNotContain(await january.GetAsync(), flight => flight.Date == JanuaryFlights.End);
    }

    [DemoDataFact]
    public async Task Every_flight_has_airport_codes_a_positive_distance_and_a_clock_time()
    {
        Assert.All(await january.GetAsync(), flight =>
        {
            Assert.Matches(AirportCode(), flight.Origin);
            Assert.Matches(AirportCode(), flight.Destination);
            Assert.NotEqual(flight.Origin, flight.Destination);
            Assert.InRange(flight.Distance, 1, 6000);
            Assert.InRange(flight.Delay, -24 * 60, 24 * 60 * 2);
            Assert.Equal(DateTimeKind.Unspecified, flight.Date.Kind);
        });
    }

    [DemoDataFact]
    public async Task Flights_come_in_date_order()
    {
        var flights = await january.GetAsync();

        Assert.True(flights.Zip(flights.Skip(1)).All(pair => pair.First.Date <= pair.Second.Date));
    }

    [DemoDataTheory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(31)]
    public async Task One_day_window_returns_exactly_that_day_of_a_larger_window(int day)
    {
        var start = new DateTime(2001, 1, day);

        var oneDay = await JanuaryFlights.ReadAsync(start, start.AddDays(1));

        Assert.NotEmpty(oneDay);
        Assert.Equal((await january.GetAsync()).Where(flight => flight.Date.Day == day), oneDay);
    }

    [DemoDataFact]
    public async Task Flights_at_a_row_group_boundary_are_all_returned()
    {
        // Row groups 0 and 1 of the file both hold flights at 2001-01-17T15:35 (28 in all).
        var boundary = new DateTime(2001, 1, 17, 15, 35, 0);

        var flights = await JanuaryFlights.ReadAsync(boundary, boundary.AddTicks(1));

        Assert.Equal((await january.GetAsync()).Count(flight => flight.Date == boundary), flights.Count);
        Assert.Equal(28, flights.Count);
    }

    [DemoDataFact]
    public async Task Open_ended_windows_read_from_the_start_or_to_the_end_of_the_file()
    {
        var untilSecondDay = await JanuaryFlights.ReadAsync(from: null, to: new DateTime(2001, 1, 2));
        var lastDay = await JanuaryFlights.ReadAsync(from: new DateTime(2001, 6, 30), to: null);

        Assert.Equal((await january.GetAsync()).Where(flight => flight.Date.Day == 1), untilSecondDay);
        Assert.NotEmpty(lastDay);
        Assert.All(lastDay, flight => Assert.True(flight.Date >= new DateTime(2001, 6, 30)));
    }

    [DemoDataFact]
    public async Task Window_without_flights_returns_none()
    {
        Assert.Empty(await JanuaryFlights.ReadAsync(new DateTime(2000, 1, 1), new DateTime(2000, 12, 31)));
        Assert.Empty(await JanuaryFlights.ReadAsync(new DateTime(2001, 1, 15), new DateTime(2001, 1, 15)));
    }

    [DemoDataFact]
    public async Task Row_groups_outside_the_window_are_not_read()
    {
        // A copy of the file whose row group 5 (spring 2001) is garbage: a January window must not touch it.
        using var folder = new TemporaryFolder();
        var copy = folder.Combine("flights-3m.parquet");
        File.Copy(DemoDataEnvironment.FlightsFile(), copy);
        var (corruptedStart, corruptedEnd) = await CorruptRowGroupAsync(copy, rowGroup: 5);

        var oneDay = await JanuaryFlights.ReadAsync(new DateTime(2001, 1, 15), new DateTime(2001, 1, 16), copy);

        Assert.Equal((await january.GetAsync()).Where(flight => flight.Date.Day == 15), oneDay);
        await Assert.ThrowsAnyAsync<Exception>(() => JanuaryFlights.ReadAsync(corruptedStart, corruptedEnd, copy));
    }

    /// <summary>Overwrites the column chunks of one row group with random bytes; returns the window the group covered.</summary>
    private static async Task<(DateTime Start, DateTime End)> CorruptRowGroupAsync(string path, int rowGroup)
    {
        List<(long Offset, long Length)> chunks;
        DateTime start, end;
        await using (var reader = await ParquetReader.CreateAsync(path))
        {
            chunks = [.. reader.Metadata!.RowGroups[rowGroup].Columns.Select(column =>
                (column.MetaData!.DictionaryPageOffset ?? column.MetaData.DataPageOffset, column.MetaData.TotalCompressedSize))];
            using var group = reader.OpenRowGroupReader(rowGroup);
            var dates = new DateTime?[group.RowCount];
            await group.ReadAsync<DateTime>(reader.Schema.GetDataFields().Single(field => field.Name == "date"), dates, null);
            (start, end) = (dates.Min()!.Value, dates.Max()!.Value.AddTicks(1));
        }

        var random = new Random(5);
        await using var file = File.OpenWrite(path);
        foreach (var (offset, length) in chunks)
        {
            var garbage = new byte[length];
            random.NextBytes(garbage);
            file.Position = offset;
            await file.WriteAsync(garbage);
        }

        return (start, end);
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex AirportCode();
}
