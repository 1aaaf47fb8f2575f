using System.Text;
using System.Text.Json;
using FeatureBuilder.Batches;
using FeatureBuilder.Ingest;
using FeatureBuilder.Models;
using FeatureBuilder.Online;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Records;

namespace FeatureBuilder.Tests.Models;

/// <summary>
/// Entity keys longer than 200 characters or holding a control character are refused where they come in: a record of the
/// online API (an error naming the field), a batch row (an invalid row), a request on the ingest queue (the reason for the
/// error queue); a key of 200 characters is kept.
/// </summary>
public sealed class EntityKeyTests
{
    private static readonly string LongestKey = new('k', 200);

    private static readonly ModelCard Card = new()
    {
        Name = "parcel-weight",
        Version = "1",
        Task = ModelTask.Regression,
        Features = [new NumericFeature { Name = "x" }],
        Input = new ModelInput { Name = "features", Columns = ["x"] },
        Output = new ModelOutput { Score = "value" },
    };

    public static TheoryData<string, string> RefusedKeys => new()
    {
        { new string('k', 201), "longer than 200 characters" },
        { "AA123\nforged log line", "control character" },
        { "AA\u0000123", "control character" },
    };

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public void An_online_record_with_such_a_key_is_refused_naming_the_field(string key, string reason)
    {
        var records = FeaturizedRecords.Of(new ServedCard(Card, Featurizer.Create(Card), "{}"), [Record(key)], "entityKey");

        Assert.Empty(records.Valid);
        var error = Assert.Single(records.Errors[0]!);
        Assert.Equal(("entityKey", "invalid_entity_key"), (error.Field, error.Code));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_online_record_with_a_key_of_200_characters_is_kept()
    {
        var records = FeaturizedRecords.Of(new ServedCard(Card, Featurizer.Create(Card), "{}"), [Record(LongestKey)], "entityKey");

        Assert.Equal(LongestKey, Assert.Single(records.Valid).EntityKey);
    }

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public async Task A_batch_row_with_such_a_key_is_an_invalid_row(string key, string reason)
    {
        var chunks = new List<PendingChunk>();
        var chunker = new BatchChunker(Featurizer.Create(Card), 10, "entityKey",
            (chunk, _) => { chunks.Add(chunk); return ValueTask.CompletedTask; }, (_, _) => ValueTask.CompletedTask);
        var lines = $"{Record(key).GetRawText()}\n{Record(LongestKey).GetRawText()}\n";

        await RecordReaders.For(RecordFormat.JsonLines).ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(lines)), chunker, CancellationToken.None);
        var invalid = await chunker.CompleteAsync(CancellationToken.None);

        var row = Assert.Single(invalid.Concat(chunks.SelectMany(chunk => chunk.InvalidRows)));
        Assert.Equal(1, row.RowNumber);
        Assert.Contains(reason, Assert.Single(row.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(LongestKey, Assert.Single(Assert.Single(chunks).EntityKeys!));
    }

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public void An_ingested_request_with_such_a_key_or_correlation_id_is_refused_with_the_reason(string key, string reason)
    {
        var text = JsonSerializer.SerializeToElement(key);

        IngestedPrediction.Read(new IngestedPredictionRequest("parcel-weight", text, null, Record(null), null, null, null, null, null), out var keyProblem);
        IngestedPrediction.Read(new IngestedPredictionRequest("parcel-weight", null, text, Record(null), null, null, null, null, null), out var correlationProblem);

        Assert.StartsWith("entityKey: The entity key", keyProblem, StringComparison.Ordinal);
        Assert.Contains(reason, keyProblem, StringComparison.Ordinal);
        Assert.StartsWith("correlationId", correlationProblem, StringComparison.Ordinal);
        Assert.Contains(reason, correlationProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ingested_request_echoes_no_unbounded_text_in_its_reason()
    {
        IngestedPrediction.Read(new IngestedPredictionRequest(new string('m', 100_000), null, null, Record(null), null, null, null, null, null), out var model);
        IngestedPrediction.Read(new IngestedPredictionRequest("m", null, null, Record(null), new string('9', 100_000), null, null, null, null), out var specVersion);

        Assert.Equal("model is longer than 200 characters.", model);
        Assert.True(specVersion!.Length < 200, specVersion);
    }

    private static JsonElement Record(string? key) =>
        JsonSerializer.SerializeToElement(key is null ? new Dictionary<string, object> { ["x"] = 1 } : new Dictionary<string, object> { ["x"] = 1, ["entityKey"] = key });
}
