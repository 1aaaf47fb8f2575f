using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Core;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Net.Client;
using Inference.OpenInference.Grpc;

namespace Integration.Tests.OpenInference;

/// <summary>A .NET gRPC client of the Open Inference Protocol (Grpc.Net.Client over cleartext HTTP/2) and the requests the tests send.</summary>
public sealed class OpenInferenceGrpc : IDisposable
{
    private readonly GrpcChannel _channel;

    public OpenInferenceGrpc(Uri address)
    {
        _channel = GrpcChannel.ForAddress(address);
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
    }

    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; }

    /// <summary>The call options of a call with <paramref name="key"/> (none when null), sent as <paramref name="header"/>, and a deadline.</summary>
    public static CallOptions With(string? key, string header = "authorization") => new(
        key is null ? [] : new Metadata { { header, header == "authorization" ? $"Bearer {key}" : key } },
        DateTime.UtcNow.AddSeconds(60));

    /// <summary>The status of a call that must fail.</summary>
    public static async Task<RpcException> FailureOfAsync<T>(AsyncUnaryCall<T> call)
    {
        using (call)
            return await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseAsync);
    }

    /// <summary>A request of <paramref name="rows"/> rows of <paramref name="width"/> features in fp32_contents.</summary>
    public static ModelInferRequest Typed(string model, string version, string input, int rows, int width)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input, Datatype = "FP32", Contents = new InferTensorContents() };
        tensor.Shape.AddRange([rows, width]);
        tensor.Contents.Fp32Contents.AddRange(Features(rows, width));
        var request = new ModelInferRequest { ModelName = model, ModelVersion = version, Id = "typed" };
        request.Inputs.Add(tensor);
        return request;
    }

    /// <summary>The same rows as <see cref="Typed"/>, as little-endian FP32 bytes in raw_input_contents.</summary>
    public static ModelInferRequest Raw(string model, string version, string input, int rows, int width)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input, Datatype = "FP32" };
        tensor.Shape.AddRange([rows, width]);
        var request = new ModelInferRequest { ModelName = model, ModelVersion = version, Id = "raw" };
        request.Inputs.Add(tensor);
        request.RawInputContents.Add(ByteString.CopyFrom(RawOf(Features(rows, width))));
        return request;
    }

    /// <summary>Row-major features that differ per row, within the test model's ranges.</summary>
    public static float[] Features(int rows, int width) =>
        [.. Enumerable.Range(0, rows * width).Select(i => (float)(i % width == width - 1 ? 500 + 100 * (i / width) : i % 7))];

    /// <summary>Little-endian FP32 bytes.</summary>
    public static byte[] RawOf(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    /// <summary>Little-endian FP32 values.</summary>
    public static float[] FloatsOf(ByteString raw) =>
        [.. Enumerable.Range(0, raw.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(raw.Span.Slice(i * 4, 4)))];

    /// <summary>BYTES elements: each a 4-byte little-endian length and its bytes.</summary>
    public static List<string> TextsOf(ByteString raw)
    {
        var texts = new List<string>();
        var span = raw.Span;
        for (var offset = 0; offset < span.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
            texts.Add(System.Text.Encoding.UTF8.GetString(span.Slice(offset + 4, length)));
            offset += 4 + length;
        }

        return texts;
    }

    /// <summary>Creates a key with one scope through the gateway; returns it once the gateway and both replicas take it.</summary>
    public static async Task<string> CreateKeyAsync(Online.DistributedSystem system, string name, string scope)
    {
        using var created = await system.Client.PostAsJsonAsync(new Uri("/api/v1/keys", UriKind.Relative), new { name, scopes = new[] { scope } });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, body.ToString());
        var key = body.GetProperty("key").GetString()!;
        // Every process hears of a new key from the Retrainer; wait until the gateway and both replicas know it.
        foreach (var known in new[] { "gateway", "inference-1", "inference-2" })
        {
            using var client = new OpenInferenceGrpc(system.Service(known).GrpcAddress!);
            await Poll.UntilAsync(
                async () =>
                {
                    try
                    {
                        await client.Client.ServerMetadataAsync(new ServerMetadataRequest(), OpenInferenceGrpc.With(key));
                        return true;
                    }
                    catch (RpcException exception) when (exception.StatusCode is StatusCode.PermissionDenied)
                    {
                        return true;
                    }
                    catch (RpcException exception) when (exception.StatusCode is StatusCode.Unauthenticated or StatusCode.Unavailable)
                    {
                        return false;
                    }
                },
                Deadlines.DistributedState, $"{known} to know the key {name}", system.Failure);
        }

        return key;
    }

    public void Dispose() => _channel.Dispose();
}
