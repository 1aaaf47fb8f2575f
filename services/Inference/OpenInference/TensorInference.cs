using System.Diagnostics;
using Contracts.Predictions;
using Inference.Runtime;
using Microsoft.Extensions.Options;
using Modeling.Cards;
using Modeling.Scoring;
using ServiceDefaults.Batching;

namespace Inference.OpenInference;

/// <summary>
/// The Open Inference Protocol's work, shared by its REST form (<c>Endpoints/OpenInferenceEndpoints.cs</c>) and its
/// gRPC form (<see cref="OpenInferenceGrpcService"/>), which only translate requests and answers: the version that
/// answers (the champion, or the version named: the tensor API has no entity key to route by), the model's tensors,
/// scoring, the metrics, and the <see cref="PredictionMade"/> events published in the background. Concurrent requests for
/// the same version are scored together (<see cref="AdaptiveBatcher{TKey, TRequest, TAnswer}"/>): one ONNX Runtime call and
/// one <see cref="PredictionsMade"/> per batch, each request still answered with its own rows and prediction ids.
/// </summary>
public sealed class TensorInference
{
    /// <summary>The server's name in its metadata.</summary>
    public const string ServerName = "ml-platform-inference";

    /// <summary>The runtime that scores every model.</summary>
    public const string Platform = "onnxruntime_onnx";

    /// <summary>The output with each row's label (classification).</summary>
    public const string LabelOutput = "label";

    private readonly ModelSessions sessions;
    private readonly PredictionPublisher publisher;
    private readonly InferenceMetrics metrics;
    private readonly TimeProvider time;
    private readonly IOptions<InferenceOptions> options;
    private readonly AdaptiveBatcher<LoadedModel, TensorRows, Prediction[]> _batches;

    /// <summary>The protocol's work on this replica's models; batches run at most one per core at once for each version.</summary>
    public TensorInference(ModelSessions sessions, PredictionPublisher publisher, InferenceMetrics metrics, TimeProvider time, IOptions<InferenceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (this.sessions, this.publisher, this.metrics, this.time, this.options) = (sessions, publisher, metrics, time, options);
        _batches = new AdaptiveBatcher<LoadedModel, TensorRows, Prediction[]>(
            "score tensor batch", ScoreBatchAsync, request => request.Rows, options.Value.BatchMaxRows, options.Value.BatchMaxWait, Environment.ProcessorCount);
    }

    /// <summary>Whether the replica has loaded what the registry serves (and serves something).</summary>
    public bool IsReady => sessions.IsReady;

    /// <summary>Seconds a client is asked to wait while models are loading.</summary>
    public int RetryAfterSeconds => options.Value.RetryAfterSeconds;

    /// <summary>
    /// The version of <paramref name="model"/> a request is served by, looked up once (a version switch between two
    /// lookups would otherwise check one version and score with another): the champion without
    /// <paramref name="version"/>, else any version this replica holds (a rollout's challenger, or one replaced a moment ago).
    /// </summary>
    public ModelLookup Find(string model, string? version)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (sessions.Find(model) is not { } loaded)
        {
            // Once the registry's list has been applied, a model not in it is unknown, even when nothing is served yet.
            return sessions.HasSynced
                ? ModelLookup.Failed(InferenceErrorKind.NotFound, "Unknown model", $"No model named '{model}' is served here.", "model")
                : ModelLookup.Failed(InferenceErrorKind.Loading, "Models are loading", $"Model '{model}' is not loaded yet; retry shortly.", null);
        }

        if (string.IsNullOrEmpty(version))
            return new ModelLookup(loaded, null);
        return sessions.Find(model, version) is { } held
            ? new ModelLookup(held, null)
            : ModelLookup.Failed(InferenceErrorKind.NotFound, "Unknown model version", $"Model '{model}' is served in version {loaded.Version}, not {version}.", "version");
    }

    /// <summary>The model's input tensor and its outputs: probability and score as FP32, the label as BYTES.</summary>
    public static ModelTensors Describe(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var outputs = new List<TensorMetadata>();
        if (card.Task != ModelTask.Regression && card.Output.Probability is { } probability)
            outputs.Add(new TensorMetadata(probability, "FP32", [-1, card.Task == ModelTask.Multiclass ? card.Output.Labels.Count : 1]));
        if (card.Output.Score is { } score)
            outputs.Add(new TensorMetadata(score, "FP32", [-1, 1]));
        if (card.Task != ModelTask.Regression)
            outputs.Add(new TensorMetadata(LabelOutput, "BYTES", [-1]));
        return new ModelTensors([new TensorMetadata(card.Input.Name, "FP32", [-1, card.Input.Columns.Count])], outputs);
    }

    /// <summary>
    /// Scores <paramref name="inputs"/> with <paramref name="model"/> and publishes the predictions (in the background:
    /// neither the answer nor the client's connection waits for the broker); <paramref name="requested"/> picks outputs
    /// by name (null: every output).
    /// </summary>
    public async Task<InferenceOutcome> InferAsync(
        LoadedModel model, IReadOnlyList<IInputTensor> inputs, IReadOnlyCollection<string>? requested, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var receivedAt = time.GetUtcNow();
        var tensor = TensorReader.Read(inputs, model.Card.Input.Name, model.Scorer.Width, options.Value.MaxRowsPerRequest);
        if (tensor.Features is not { } features)
        {
            return tensor.IsTooLarge
                ? InferenceOutcome.Failed(InferenceErrorKind.TooLarge, "Too many rows", tensor.Error!, tensor.Field)
                : InferenceOutcome.Failed(InferenceErrorKind.Invalid, "Invalid inference request", tensor.Error!, tensor.Field);
        }

        var names = Describe(model.Card).Outputs.Select(output => output.Name).ToList();
        if (requested?.FirstOrDefault(name => !names.Contains(name, StringComparer.Ordinal)) is { } unknown)
            return InferenceOutcome.Failed(InferenceErrorKind.Invalid, "Unknown output", $"The model has no output '{unknown}'; it has {string.Join(", ", names)}.", "outputs");

        var predictions = await _batches.SubmitAsync(model, new TensorRows(features, tensor.Rows, receivedAt), cancellationToken);
        var outputs = OutputsOf(model.Card, predictions);
        return new InferenceOutcome(
            [.. predictions.Select(prediction => prediction.PredictionId)],
            requested is null ? outputs : [.. outputs.Where(output => requested.Contains(output.Name))],
            null);
    }

    // One ONNX Runtime call for the batch's rows, one event per row published in one message (in the background: neither
    // the answers nor the clients' connections wait for the broker), and each request's predictions.
    private async Task<IReadOnlyList<Prediction[]>> ScoreBatchAsync(LoadedModel model, IReadOnlyList<TensorRows> requests)
    {
        var features = requests.Count == 1 ? requests[0].Features : Concatenated(requests);
        var rows = features.Length / model.Scorer.Width;
        var scoring = Stopwatch.GetTimestamp();
        var scored = PredictionEvents.Score(model, features);
        metrics.Scored(model, PredictionSources.Tensor, rows, Stopwatch.GetElapsedTime(scoring));
        metrics.Batched(model, PredictionSources.Tensor, requests.Count);
        var predictedAt = time.GetUtcNow();
        var predictions = PredictionEvents.PredictionsOf(model, scored.Scores, scored.Probabilities);
        var classes = scored.Probabilities.Length / Math.Max(1, rows);
        var width = model.Scorer.Width;
        var answers = new Prediction[requests.Count][];
        var events = new List<PredictionMade>(rows);
        var first = 0;
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            answers[i] = predictions[first..(first + request.Rows)];
            events.AddRange(PredictionEvents.Of(
                model, answers[i], features.AsSpan(first * width, request.Rows * width), scored.Probabilities.AsSpan(first * classes, request.Rows * classes),
                null, PredictionSources.Tensor, request.ReceivedAt, predictedAt));
            first += request.Rows;
        }

        await publisher.EnqueueAsync([.. events], CancellationToken.None);
        return answers;
    }

    private static float[] Concatenated(IReadOnlyList<TensorRows> requests)
    {
        var features = new float[requests.Sum(request => request.Features.Length)];
        var at = 0;
        foreach (var request in requests)
        {
            request.Features.CopyTo(features, at);
            at += request.Features.Length;
        }

        return features;
    }

    private static List<OutputTensor> OutputsOf(ModelCard card, Prediction[] predictions)
    {
        var rows = predictions.Length;
        var outputs = new List<OutputTensor>();
        if (card.Task != ModelTask.Regression && card.Output.Probability is { } probability)
            outputs.Add(new OutputTensor(probability, [rows, 1], "FP32", [.. predictions.Select(prediction => prediction.Probability ?? float.NaN)], null));
        if (card.Output.Score is { } score)
            outputs.Add(new OutputTensor(score, [rows, 1], "FP32", [.. predictions.Select(prediction => prediction.Value ?? float.NaN)], null));
        if (card.Task != ModelTask.Regression)
            outputs.Add(new OutputTensor(LabelOutput, [rows], "BYTES", null, [.. predictions.Select(prediction => prediction.Label ?? "")]));
        return outputs;
    }
}

/// <summary>What went wrong, whatever the protocol's form: each form has its own status for each kind.</summary>
public enum InferenceErrorKind
{
    /// <summary>The request is invalid (400, INVALID_ARGUMENT).</summary>
    Invalid,

    /// <summary>More rows than one request may carry (413, RESOURCE_EXHAUSTED).</summary>
    TooLarge,

    /// <summary>No such model or version is served (404, NOT_FOUND).</summary>
    NotFound,

    /// <summary>The replica has not loaded the registry's models yet (503 with Retry-After, UNAVAILABLE).</summary>
    Loading,
}

/// <summary>An error of the protocol.</summary>
/// <param name="Kind">What kind of error.</param>
/// <param name="Title">A short title.</param>
/// <param name="Detail">What is wrong, naming the input or the model.</param>
/// <param name="Field">The request field it concerns, if one.</param>
public sealed record InferenceError(InferenceErrorKind Kind, string Title, string Detail, string? Field);

/// <summary>The outcome of <see cref="TensorInference.Find"/>: the version that answers, or the error.</summary>
/// <param name="Model">The version, or null.</param>
/// <param name="Error">Why there is none.</param>
public readonly record struct ModelLookup(LoadedModel? Model, InferenceError? Error)
{
    internal static ModelLookup Failed(InferenceErrorKind kind, string title, string detail, string? field) =>
        new(null, new InferenceError(kind, title, detail, field));
}

/// <summary>A model's input and output tensors.</summary>
/// <param name="Inputs">The feature tensor.</param>
/// <param name="Outputs">Its outputs.</param>
public sealed record ModelTensors(IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs);

/// <summary>An output tensor: FP32 <paramref name="Numbers"/> or BYTES <paramref name="Texts"/>, row-major.</summary>
/// <param name="Name">The output's name.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Datatype">FP32 or BYTES.</param>
/// <param name="Numbers">The FP32 values.</param>
/// <param name="Texts">The BYTES values, as text.</param>
public sealed record OutputTensor(string Name, IReadOnlyList<long> Shape, string Datatype, float[]? Numbers, string[]? Texts);

/// <summary>The outcome of <see cref="TensorInference.InferAsync"/>: the predictions' ids and the outputs, or the error.</summary>
/// <param name="PredictionIds">One per row, as the prediction log keeps them.</param>
/// <param name="Outputs">The outputs asked for.</param>
/// <param name="Error">Why nothing was scored.</param>
public sealed record InferenceOutcome(IReadOnlyList<Guid> PredictionIds, IReadOnlyList<OutputTensor> Outputs, InferenceError? Error)
{
    internal static InferenceOutcome Failed(InferenceErrorKind kind, string title, string detail, string? field) =>
        new([], [], new InferenceError(kind, title, detail, field));
}

/// <summary>One request's rows for a batch: its features (row-major), how many rows, and when it was received.</summary>
/// <param name="Features">The rows' features.</param>
/// <param name="Rows">How many rows.</param>
/// <param name="ReceivedAt">When the request was received.</param>
internal sealed record TensorRows(float[] Features, int Rows, DateTimeOffset ReceivedAt);
