using System.Diagnostics;
using Contracts.Predictions;
using Inference.OpenInference;
using Inference.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Modeling.Cards;
using Modeling.Scoring;
using ServiceDefaults;
using ServiceDefaults.Metrics;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace Inference.Endpoints;

/// <summary>
/// The Open Inference Protocol (KServe V2) REST API under <c>/v2</c>: server liveness, readiness and
/// metadata, model metadata and readiness, and inference on feature tensors. Errors are RFC 9457 problem
/// details that also carry the protocol's <c>error</c> member.
/// </summary>
public static class OpenInferenceEndpoints
{
    private const string Platform = "onnxruntime_onnx";
    private const string LabelOutput = "label";

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
        TypedResults.Ok(new ServerMetadata("ml-platform-inference", InferenceService.Description.Version, []));

    private static Results<Ok<ReadyResponse>, JsonHttpResult<ReadyResponse>> GetServerReady(ModelSessions sessions) =>
        sessions.IsReady
            ? TypedResults.Ok(new ReadyResponse(null, true))
            : TypedResults.Json(new ReadyResponse(null, false), statusCode: StatusCodes.Status503ServiceUnavailable);

    private static Results<Ok<ModelMetadata>, ProblemHttpResult> GetModelMetadata(
        string model, string? version, ModelSessions sessions, IOptions<InferenceOptions> options, HttpContext http)
    {
        var found = Lookup(model, version, sessions, options.Value, http);
        if (found.Model is not { } loaded)
            return found.Problem!;
        var card = loaded.Card;
        var outputs = new List<TensorMetadata>();
        if (card.Task != ModelTask.Regression && card.Output.Probability is { } probability)
            outputs.Add(new TensorMetadata(probability, "FP32", [-1, card.Task == ModelTask.Multiclass ? card.Output.Labels.Count : 1]));
        if (card.Output.Score is { } score)
            outputs.Add(new TensorMetadata(score, "FP32", [-1, 1]));
        if (card.Task != ModelTask.Regression)
            outputs.Add(new TensorMetadata(LabelOutput, "BYTES", [-1]));
        return TypedResults.Ok(new ModelMetadata(
            card.Name, [card.Version], Platform, [new TensorMetadata(card.Input.Name, "FP32", [-1, card.Input.Columns.Count])], outputs));
    }

    private static Results<Ok<ReadyResponse>, ProblemHttpResult> GetModelReady(
        string model, string? version, ModelSessions sessions, IOptions<InferenceOptions> options, HttpContext http)
    {
        var found = Lookup(model, version, sessions, options.Value, http);
        return found.Model is not null ? TypedResults.Ok(new ReadyResponse(model, true)) : found.Problem!;
    }

    private static async Task<Results<Ok<InferenceResponse>, ProblemHttpResult>> InferAsync(
        string model,
        string? version,
        InferenceRequest request,
        ModelSessions sessions,
        PredictionPublisher publisher,
        InferenceMetrics metrics,
        TimeProvider time,
        IOptions<InferenceOptions> options,
        HttpContext http)
    {
        var receivedAt = time.GetUtcNow();
        var found = Lookup(model, version, sessions, options.Value, http);
        if (found.Model is not { } loaded)
            return found.Problem!;
        http.ReportModelVersion(loaded.Version);
        var tensor = TensorReader.Read(request, loaded.Card.Input.Name, loaded.Scorer.Width, options.Value.MaxRowsPerRequest);
        if (tensor.Features is not { } features)
        {
            return tensor.IsTooLarge
                ? Problem(StatusCodes.Status413PayloadTooLarge, "Too many rows", tensor.Error!, tensor.Field)
                : Problem(StatusCodes.Status400BadRequest, "Invalid inference request", tensor.Error!, tensor.Field);
        }

        var requested = request.Outputs?.Select(output => output.Name).ToHashSet(StringComparer.Ordinal);
        var scoring = Stopwatch.GetTimestamp();
        var scored = PredictionEvents.Score(loaded, features);
        metrics.Scored(loaded, PredictionSources.Tensor, tensor.Rows, Stopwatch.GetElapsedTime(scoring));
        var predictedAt = time.GetUtcNow();
        var predictions = PredictionEvents.PredictionsOf(loaded, scored.Scores);
        var outputs = OutputsOf(loaded.Card, predictions);
        if (requested is not null && requested.FirstOrDefault(name => outputs.All(output => output.Name != name)) is { } unknown)
            return Problem(StatusCodes.Status400BadRequest, "Unknown output", $"The model has no output '{unknown}'; it has {string.Join(", ", outputs.Select(output => output.Name))}.", "outputs");

        await publisher.EnqueueAsync(PredictionEvents.Of(loaded, predictions, features, scored.Probabilities, null, PredictionSources.Tensor, receivedAt, predictedAt), http.RequestAborted);
        return TypedResults.Ok(new InferenceResponse(
            loaded.Name,
            loaded.Version,
            request.Id ?? Guid.CreateVersion7().ToString(),
            new Dictionary<string, object> { ["prediction_ids"] = predictions.Select(prediction => prediction.PredictionId).ToArray() },
            requested is null ? outputs : [.. outputs.Where(output => requested.Contains(output.Name))]));
    }

    private static List<ResponseOutput> OutputsOf(ModelCard card, Prediction[] predictions)
    {
        var rows = predictions.Length;
        var outputs = new List<ResponseOutput>();
        if (card.Task != ModelTask.Regression && card.Output.Probability is { } probability)
            outputs.Add(new ResponseOutput(probability, [rows, 1], "FP32", predictions.Select(prediction => prediction.Probability ?? float.NaN).ToArray()));
        if (card.Output.Score is { } score)
            outputs.Add(new ResponseOutput(score, [rows, 1], "FP32", predictions.Select(prediction => prediction.Value ?? float.NaN).ToArray()));
        if (card.Task != ModelTask.Regression)
            outputs.Add(new ResponseOutput(LabelOutput, [rows], "BYTES", predictions.Select(prediction => prediction.Label ?? "").ToArray()));
        return outputs;
    }

    private static ModelLookup Lookup(string model, string? version, ModelSessions sessions, InferenceOptions options, HttpContext http)
    {
        if (sessions.Find(model) is not { } loaded)
        {
            // Once the registry's list has been applied, a model not in it is unknown, even when nothing is served yet.
            if (sessions.HasSynced)
                return new ModelLookup(null, Problem(StatusCodes.Status404NotFound, "Unknown model", $"No model named '{model}' is served here.", "model"));
            http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new ModelLookup(null, Problem(StatusCodes.Status503ServiceUnavailable, "Models are loading", $"Model '{model}' is not loaded yet; retry shortly.", null));
        }

        // Without a version: the champion (the tensor API has no entity key to route by). With one: any version this
        // replica holds (a rollout's challenger, or one replaced a moment ago).
        if (version is null)
            return new ModelLookup(loaded, null);
        return sessions.Find(model, version) is { } held
            ? new ModelLookup(held, null)
            : new ModelLookup(null, Problem(StatusCodes.Status404NotFound, "Unknown model version", $"Model '{model}' is served in version {loaded.Version}, not {version}.", "version"));
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, string? field)
    {
        var extensions = new Dictionary<string, object?> { ["error"] = detail };
        if (field is not null)
            extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        return TypedResults.Problem(detail, statusCode: status, title: title,
            type: status == StatusCodes.Status400BadRequest && field is not null ? ProblemTypes.ValidationFailed : null, extensions: extensions);
    }

    // The version a request is served by, looked up once: a version switch between two lookups would
    // otherwise check one version and score with another.
    private readonly record struct ModelLookup(LoadedModel? Model, ProblemHttpResult? Problem);
}
