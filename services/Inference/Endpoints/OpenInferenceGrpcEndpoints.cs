using Inference.OpenInference;
using Inference.Runtime;
using ServiceDefaults.Grpc;

namespace Inference.Endpoints;

/// <summary>
/// The Open Inference Protocol over gRPC (<c>inference.GRPCInferenceService</c>), served on the process's HTTP/2 port
/// (<c>Grpc:Url</c>): each method with the scope and rate limit of <see cref="GrpcOperations"/>, the same as its REST
/// form's (<see cref="OpenInferenceEndpoints"/>).
/// </summary>
public static class OpenInferenceGrpcEndpoints
{
    /// <summary>Maps the gRPC services: the Open Inference Protocol and the scoring hop (<see cref="ScoringGrpcService"/>).</summary>
    public static IEndpointRouteBuilder MapOpenInferenceGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<OpenInferenceGrpcService>().Add(GrpcOperations.Apply);
        app.MapGrpcService<ScoringGrpcService>().Add(GrpcOperations.Apply);
        return app;
    }
}
