using Modeling.Features;
using Replay.Records;
using Replay.Results;
using TestSupport;

namespace Replay.Tests.Records;

/// <summary>Any records file read by a model's card, here the weather demo's card and rows as seattle-weather.csv has them.</summary>
public sealed class RecordFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("replay-records-").FullName;

    [Fact]
    public async Task Rows_come_in_time_order_with_the_cards_fields_as_the_request_and_the_label_field_as_the_outcome()
    {
        var target = await WeatherTargetAsync();
        var file = Write("weather.csv", """
            date,precipitation,temp_max,temp_min,wind,weather
            2013-01-02,0.0,8.3,1.1,3.4,sun
            2012-12-31,0.3,5.0,-0.6,1.7,drizzle
            2013-01-01,0.0,5.0,-2.8,2.7,fog
            2013-01-03,4.1,7.8,2.2,2.9,
            2014-01-01,0.0,7.2,3.3,1.3,sun
            """);

        var records = await RecordFile.ReadAsync(file, target.Features, "date", "weather", new DateTime(2013, 1, 1), new DateTime(2014, 1, 1), new RecordSampler(1)).ToListAsync();

        Assert.Equal(["2013-01-01T00:00-2", "2013-01-02T00:00-0", "2013-01-03T00:00-3"], records.Select(record => record.EntityKey));
        var first = records[0];
        Assert.Equal(new DateTime(2013, 1, 1), first.Time);
        Assert.Equal(first.Time, first.OutcomeTime);
        Assert.Equal(["date", "precipitation", "temp_max", "temp_min", "wind"], first.Fields.Select(field => field.Key));
        Assert.Equal(RawValue.Of("2013-01-01"), first.ValueOf("date"));
        Assert.Equal(RawValue.Of(-2.8), first.ValueOf("TEMP_MIN"));
        Assert.Equal(RawValue.Of("fog"), first.Outcome);
        Assert.Equal(4f, target.Truth(first.Outcome)); // fog is the card's fifth label
        Assert.Equal(RawValueKind.Missing, records[2].Outcome.Kind);
        Assert.True(float.IsNaN(target.Truth(records[2].Outcome)));
    }

    [Fact]
    public async Task A_row_without_a_readable_time_is_named()
    {
        var target = await WeatherTargetAsync();
        var file = Write("bad.csv", "date,precipitation,temp_max,temp_min,wind,weather\n2013-01-02,0,8,1,3,sun\nyesterday,0,8,1,3,sun\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            RecordFile.ReadAsync(file, target.Features, "date", "weather", DateTime.MinValue, DateTime.MaxValue, new RecordSampler(1)).ToListAsync());

        Assert.Contains("row 2 has no readable time in the field 'date'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Task<ReplayTarget> WeatherTargetAsync() =>
        ReplayTarget.ReadAsync(RepositoryFiles.Find("demo/seattle-weather/model-card.json"), labelField: null, CancellationToken.None);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
