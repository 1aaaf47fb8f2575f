using System.Net;
using System.Text.Json;

namespace Integration.Tests.Online;

/// <summary>The embedded default serves the same public API in one process (REST, and gRPC on its HTTP/2 port), and keeps what it logged across restarts.</summary>
public sealed class EmbeddedOnlineTests
{
    [Fact]
    public async Task The_embedded_host_serves_predictions_and_finds_them_again_after_a_restart()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-embedded-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "InMemory",
            ["Registry__ModelsFolder"] = await TestModel.ModelsFolderAsync(),
            ["Storage__DataFolder"] = dataFolder,
            [ServiceProcess.GrpcUrlVariable] = ServiceProcess.FreeGrpcUrl(),
        };
        try
        {
            string predictionId;
            await using (var first = ServiceProcess.Start("Embedded", environment))
            {
                await first.WaitUntilLiveAsync(Deadlines.ProcessStart);
                var predicted = await PostUntilServedAsync(first);
                predictionId = predicted.GetProperty("predictionId").GetString()!;

                // The tensor API lives in the same process, under the same paths as behind the gateway.
                using var metadata = await first.Client.GetAsync(new Uri($"/v2/models/{TestModel.Name}", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
                await first.WaitForStatusAsync($"/api/v1/predictions/{predictionId}", HttpStatusCode.OK, Deadlines.DistributedState);

                // And over gRPC, on the host's HTTP/2 port: the same model, the same prediction log, the same credentials.
                using var grpc = new OpenInference.OpenInferenceGrpc(first.GrpcAddress!);
                var described = await grpc.Client.ModelMetadataAsync(new Inference.OpenInference.Grpc.ModelMetadataRequest { Name = TestModel.Name }, OpenInference.OpenInferenceGrpc.With(TestKeys.Admin));
                Assert.Equal([TestModel.Version], described.Versions);
                var inferred = await grpc.Client.ModelInferAsync(OpenInference.OpenInferenceGrpc.Raw(TestModel.Name, TestModel.Version, "features", 1, 6), OpenInference.OpenInferenceGrpc.With(TestKeys.Admin));
                Assert.Equal(3, inferred.RawOutputContents.Count);
                await first.WaitForStatusAsync($"/api/v1/predictions/{inferred.Parameters["prediction_ids"].StringParam}", HttpStatusCode.OK, Deadlines.DistributedState);
                var refused = await OpenInference.OpenInferenceGrpc.FailureOfAsync(grpc.Client.ModelInferAsync(OpenInference.OpenInferenceGrpc.Raw(TestModel.Name, "", "features", 1, 6), OpenInference.OpenInferenceGrpc.With(null)));
                Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, refused.StatusCode);
                Assert.True((await grpc.Client.ServerLiveAsync(new Inference.OpenInference.Grpc.ServerLiveRequest(), OpenInference.OpenInferenceGrpc.With(null))).Live);
            }

            await using var second = ServiceProcess.Start("Embedded", environment);
            await second.WaitUntilLiveAsync(Deadlines.ProcessStart);
            var logged = JsonDocument.Parse(await second.WaitForStatusAsync($"/api/v1/predictions/{predictionId}", HttpStatusCode.OK, Deadlines.DistributedState)).RootElement;
            Assert.Equal("EMB1", logged.GetProperty("entityKey").GetString());
        }
        finally
        {
            if (Directory.Exists(dataFolder))
                Directory.Delete(dataFolder, recursive: true);
        }
    }

    // Inference may still be loading the model when the host is live (503 until then).
    private static Task<JsonElement> PostUntilServedAsync(ServiceProcess host) =>
        Poll.PostUntilOkAsync(
            host.Client,
            $"/api/v1/models/{TestModel.Name}/predict",
            new { date = "2001-02-03T07:45:00", origin = "ORD", destination = "LAX", distance = 1744, entityKey = "EMB1" },
            Deadlines.ProcessStart,
            host.Failure);
}
