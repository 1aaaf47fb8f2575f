using Inference.OpenInference;
using Microsoft.AspNetCore.Http.HttpResults;
using ServiceDefaults;
using ServiceDefaults.Metrics;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace Inference.Endpoints;

/// <summary>
/// The Open Inference Protocol (KServe V2) REST API under <c>/v2</c>: server liveness, readiness and
/// metadata, model metadata and readiness, and inference on feature tensors. Errors are RFC 9457 problem
/// details that also carry the protocol's <c>error</c> member. The work is <see cref="TensorInference"/>'s, shared with
/// the gRPC form (<see cref="OpenInferenceGrpcEndpoints"/>).
/// </summary>
public static class OpenInferenceEndpoints
{
    /// <summary>Maps the protocol's endpoints.</summary>
    public static IEndpointRouteBuilder MapOpenInferenceProtocol(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("Open Inference Protocol");
        v2.MapGet("/", GetServerMetadata).RequireScope(Scopes.Read);
        v2.MapGet("/health/live", () => TypedResults.Ok(new LiveResponse(true))).AllowAnonymous();
        v2.MapGet("/health/ready", GetServerReady).AllowAnonymous();
        v2.MapGet("/models/{model}", GetModelMetadata).RequireScope(Scopes.Read);
        v2.MapGet("/models/{model}/versions/{version}", GetModelMetadata).RequireScope(Scopes.Read);
        v2.MapGet("/models/{model}/ready", GetModelReady).RequireScope(Scopes.Read);
        v2.MapGet("/models/{model}/versions/{version}/ready", GetModelReady).RequireScope(Scopes.Read);
        v2.MapPost("/models/{model}/infer", InferAsync).RequireScope(Scopes.Predict).RequireRateLimiting(RateLimitKinds.Predictions);
        v2.MapPost("/models/{model}/versions/{version}/infer", InferAsync).RequireScope(Scopes.Predict).RequireRateLimiting(RateLimitKinds.Predictions);
        return app;
    }

    private static Ok<ServerMetadata> GetServerMetadata() =>
        TypedResults.Ok(new ServerMetadata(TensorInference.ServerName, InferenceService.Description.Version, []));

    private static Results<Ok<ReadyResponse>, JsonHttpResult<ReadyResponse>> GetServerReady(TensorInference inference) =>
        inference.IsReady
            ? TypedResults.Ok(new ReadyResponse(null, true))
            : TypedResults.Json(new ReadyResponse(null, false), statusCode: StatusCodes.Status503ServiceUnavailable);

    private static Results<Ok<ModelMetadata>, ProblemHttpResult> GetModelMetadata(string model, string? version, TensorInference inference, HttpContext http)
    {
        var found = inference.Find(model, version);
        if (found.Model is not { } loaded)
            return Problem(found.Error!, inference, http);
        var tensors = TensorInference.Describe(loaded.Card);
        return TypedResults.Ok(new ModelMetadata(loaded.Card.Name, [loaded.Card.Version], TensorInference.Platform, tensors.Inputs, tensors.Outputs));
    }

    private static Results<Ok<ReadyResponse>, ProblemHttpResult> GetModelReady(string model, string? version, TensorInference inference, HttpContext http)
    {
        var found = inference.Find(model, version);
        return found.Model is not null ? TypedResults.Ok(new ReadyResponse(model, true)) : Problem(found.Error!, inference, http);
    }

    private static async Task<Results<Ok<InferenceResponse>, ProblemHttpResult>> InferAsync(
        string model, string? version, InferenceRequest request, TensorInference inference, HttpContext http)
    {
        var found = inference.Find(model, version);
        if (found.Model is not { } loaded)
            return Problem(found.Error!, inference, http);
        http.ReportModelVersion(loaded.Version);
        var requested = request.Outputs?.Select(output => output.Name ?? "").ToList();
        var outcome = await inference.InferAsync(loaded, JsonInputTensor.Of(request), requested, http.RequestAborted);
        if (outcome.Error is { } error)
            return Problem(error, inference, http);
        return TypedResults.Ok(new InferenceResponse(
            loaded.Name,
            loaded.Version,
            request.Id ?? Guid.CreateVersion7().ToString(),
            new Dictionary<string, object> { ["prediction_ids"] = outcome.PredictionIds.ToArray() },
            [.. outcome.Outputs.Select(output => new ResponseOutput(output.Name, output.Shape, output.Datatype, (object?)output.Numbers ?? output.Texts!))]));
    }

    private static ProblemHttpResult Problem(InferenceError error, TensorInference inference, HttpContext http)
    {
        var status = error.Kind switch
        {
            InferenceErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
            InferenceErrorKind.NotFound => StatusCodes.Status404NotFound,
            InferenceErrorKind.Loading => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status400BadRequest,
        };
        if (error.Kind == InferenceErrorKind.Loading)
            http.Response.Headers.RetryAfter = inference.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var extensions = new Dictionary<string, object?> { ["error"] = error.Detail };
        if (error.Field is not null)
            extensions["errors"] = new Dictionary<string, string[]> { [error.Field] = [error.Detail] };
        return TypedResults.Problem(error.Detail, statusCode: status, title: error.Title,
            type: status == StatusCodes.Status400BadRequest && error.Field is not null ? ProblemTypes.ValidationFailed : null, extensions: extensions);
    }
}
