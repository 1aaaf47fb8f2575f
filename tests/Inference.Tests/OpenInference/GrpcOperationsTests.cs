using Inference.OpenInference.Grpc;
using ServiceDefaults.Grpc;
using ServiceDefaults.RateLimiting;

namespace Inference.Tests.OpenInference;

/// <summary>The one table of gRPC scopes and rate limits covers every method of the service the .proto declares, as the REST form has them.</summary>
public sealed class GrpcOperationsTests
{
    [Fact]
    public void The_table_has_every_method_of_the_service_and_no_other()
    {
        var declared = GRPCInferenceService.Descriptor.Methods.Select(method => $"/{GRPCInferenceService.Descriptor.FullName}/{method.Name}").Order(StringComparer.Ordinal);

        Assert.Equal(declared, GrpcOperations.All.Select(operation => operation.Path).Order(StringComparer.Ordinal));
        Assert.Equal(GrpcOperations.InferenceService, GRPCInferenceService.Descriptor.FullName);
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
