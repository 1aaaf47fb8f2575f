using System.Text.Json;
using Contracts.Predictions;
using FeedbackCollector.Predictions;

namespace FeedbackCollector.Tests.Predictions;

/// <summary>
/// What every <see cref="IPredictionLog"/> must do, whatever the store. Each provider's test class derives
/// from it and says how to open a log (a fresh one, or again on the same data).
/// </summary>
public abstract class PredictionLogContract
{
    private static readonly DateTimeOffset Start = new(2001, 2, 3, 7, 45, 0, TimeSpan.Zero);

    /// <summary>A log on fresh, empty data.</summary>
    protected abstract IPredictionLog CreateLog();

    /// <summary>A second log on the same data as <see cref="CreateLog"/>'s last one (as after a restart).</summary>
    protected abstract IPredictionLog ReopenLog();

    [Fact]
    public async Task A_prediction_is_found_by_id_with_every_field()
    {
        var log = CreateLog();
        var prediction = Prediction("UA123", Start) with { CorrelationId = "c-1", TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

        Assert.Equal(1, await log.AddAsync([prediction], CancellationToken.None));

        var found = await log.FindAsync(prediction.PredictionId, CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal(prediction with { Input = null, Features = [] }, found with { Input = null, Features = [] });
        Assert.Equal(prediction.Features, found.Features);
        Assert.Equal("ORD", found.Input?.GetProperty("origin").GetString());
        Assert.Null(await log.FindAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task Adding_the_same_prediction_twice_stores_it_once()
    {
        var log = CreateLog();
        var prediction = Prediction("UA123", Start);

        Assert.Equal(1, await log.AddAsync([prediction], CancellationToken.None));
        Assert.Equal(0, await log.AddAsync([prediction, prediction], CancellationToken.None));

        Assert.Single(await log.FindByEntityKeyAsync("flight-delay", "UA123", 10, CancellationToken.None));
    }

    [Fact]
    public async Task Predictions_of_an_entity_come_newest_first_for_that_model_only()
    {
        var log = CreateLog();
        var older = Prediction("UA123", Start);
        var newer = Prediction("UA123", Start.AddHours(2));
        var otherEntity = Prediction("DL9", Start.AddHours(1));
        var otherModel = Prediction("UA123", Start.AddHours(3)) with { ModelName = "other-model" };
        await log.AddAsync([older, otherEntity, newer, otherModel], CancellationToken.None);

        var found = await log.FindByEntityKeyAsync("flight-delay", "UA123", 10, CancellationToken.None);

        Assert.Equal([newer.PredictionId, older.PredictionId], found.Select(prediction => prediction.PredictionId));
        Assert.Single(await log.FindByEntityKeyAsync("flight-delay", "UA123", 1, CancellationToken.None));
    }

    [Fact]
    public async Task Predictions_are_still_there_after_the_log_is_reopened()
    {
        var prediction = Prediction(null, Start) with { Input = null, Label = null, Probability = null, Value = 12.5f };
        await CreateLog().AddAsync([prediction], CancellationToken.None);

        var found = await ReopenLog().FindAsync(prediction.PredictionId, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Null(found.EntityKey);
        Assert.Null(found.Input);
        Assert.Equal(12.5f, found.Value);
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing()
    {
        var log = CreateLog();
        var batches = Enumerable.Range(0, 8)
            .Select(writer => Enumerable.Range(0, 250).Select(row => Prediction($"E{writer}", Start.AddSeconds(row))).ToArray())
            .ToArray();

        var added = await Task.WhenAll(batches.Select(batch => Task.Run(() => log.AddAsync(batch, CancellationToken.None))));

        Assert.Equal(2000, added.Sum());
        foreach (var writer in Enumerable.Range(0, 8))
            Assert.Equal(100, (await log.FindByEntityKeyAsync("flight-delay", $"E{writer}", 100, CancellationToken.None)).Count);
    }

    private static PredictionMade Prediction(string? entityKey, DateTimeOffset at) => new(
        Guid.CreateVersion7(),
        "flight-delay",
        "1",
        entityKey,
        null,
        PredictionSources.Online,
        JsonDocument.Parse("""{"date":"2001-02-03T07:45:00","origin":"ORD","destination":"LAX","distance":1744}""").RootElement,
        [0f, 3f, 1744f, 7f, 6f, 2f],
        "on-time",
        0.0639f,
        -13.4f,
        at.AddMilliseconds(-3),
        at,
        null);
}
