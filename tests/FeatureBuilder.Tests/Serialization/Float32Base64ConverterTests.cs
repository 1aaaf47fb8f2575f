using System.Text.Json;
using Contracts.Batches;

namespace FeatureBuilder.Tests.Serialization;

/// <summary>Batch messages carry their float arrays as base64 of float32, exactly, and still read plain number arrays.</summary>
public sealed class Float32Base64ConverterTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Features_travel_as_base64_and_come_back_bit_for_bit()
    {
        float[] features = [0.1f, -3.4028235E+38f, float.Epsilon, 1744f, float.NaN, 2.5f];
        var chunk = new ScoreBatchChunk(Guid.CreateVersion7(), 0, "flight-delay", "1", 3, features, [1, 2], null, DateTimeOffset.UnixEpoch);

        var json = JsonSerializer.Serialize(chunk, Web);
        var read = JsonSerializer.Deserialize<ScoreBatchChunk>(json, Web)!;

        Assert.Contains($"\"features\":\"{Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.AsSpan()))}\"", json, StringComparison.Ordinal);
        Assert.Equal(
            features.Select(BitConverter.SingleToInt32Bits),
            read.Features.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void A_plain_array_of_numbers_and_null_are_read_too()
    {
        const string Json = """{"batchId":"01a2074e-0456-7ea9-a583-4eaa71a8e25b","chunkIndex":0,"modelName":"m","modelVersion":"1","width":2,"features":[1.5,2],"rowNumbers":[1],"labels":null,"probabilities":null,"values":null,"receivedAt":"2001-01-01T00:00:00Z","scoredAt":"2001-01-01T00:00:00Z"}""";

        var read = JsonSerializer.Deserialize<BatchChunkScored>(Json, Web)!;

        Assert.Equal([1.5f, 2f], read.Features);
        Assert.Null(read.Probabilities);
    }

    [Fact]
    public void A_base64_string_that_is_not_whole_floats_is_refused() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ScoreBatchChunk>(
            """{"batchId":"01a2074e-0456-7ea9-a583-4eaa71a8e25b","chunkIndex":0,"modelName":"m","modelVersion":"1","width":1,"features":"AAAA","rowNumbers":[1],"receivedAt":"2001-01-01T00:00:00Z"}""", Web));
}
