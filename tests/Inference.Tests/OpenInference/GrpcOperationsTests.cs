using Inference.OpenInference.Grpc;
using ServiceDefaults.Grpc;
using ServiceDefaults.RateLimiting;

namespace Inference.Tests.OpenInference;

/// <summary>The one table of gRPC scopes and rate limits covers every method of the services the .protos declare, as the REST form has them.</summary>
public sealed class GrpcOperationsTests
{
    [Fact]
    public void The_table_has_every_method_of_the_services_and_no_other()
    {
        var declared = new[] { GRPCInferenceService.Descriptor, ServiceDefaults.Scoring.Grpc.Scoring.Descriptor }
            .SelectMany(service => service.Methods.Select(method => $"/{service.FullName}/{method.Name}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(declared, GrpcOperations.All.Select(operation => operation.Path).Order(StringComparer.Ordinal));
        Assert.Equal(GrpcOperations.InferenceService, GRPCInferenceService.Descriptor.FullName);
        Assert.Equal(GrpcOperations.ScoringService, ServiceDefaults.Scoring.Grpc.Scoring.Descriptor.FullName);
    }

    [Fact]
    public void Each_method_has_the_scope_and_rate_limit_of_its_REST_form()
    {
        var table = GrpcOperations.All.ToDictionary(operation => operation.Method, operation => (operation.Scope, operation.RateLimit));

        Assert.Equal((null, null), table["ServerLive"]);
        Assert.Equal((null, null), table["ServerReady"]);
        Assert.Equal(("read", null), table["ModelReady"]);
        Assert.Equal(("read", null), table["ServerMetadata"]);
        Assert.Equal(("read", null), table["ModelMetadata"]);
        Assert.Equal(("predict", "predictions"), table["ModelInfer"]);
        // The scoring hop serves an online prediction that was counted where it arrived.
        Assert.Equal(("predict", null), table["Score"]);
    }

    [Fact]
    public void The_gateways_rate_limit_table_counts_ModelInfer_as_a_prediction_and_nothing_else_of_the_service()
    {
        Assert.Equal(RateLimitKinds.Predictions, RateLimitedOperations.KindOf("POST", "/inference.GRPCInferenceService/ModelInfer"));
        Assert.Null(RateLimitedOperations.KindOf("POST", "/inference.GRPCInferenceService/ModelMetadata"));
        Assert.Null(RateLimitedOperations.KindOf("POST", "/inference.GRPCInferenceService/ServerLive"));
        // gRPC paths are case-sensitive: another case is no method of the service.
        Assert.Null(GrpcOperations.Find("/inference.grpcinferenceservice/ModelInfer"));
    }
}
