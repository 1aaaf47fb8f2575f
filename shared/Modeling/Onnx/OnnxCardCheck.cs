using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Modeling.Cards;

namespace Modeling.Onnx;

/// <summary>
/// One way an ONNX file does not fit its model card.
/// </summary>
/// <param name="CardPath">
/// The part of the card it contradicts, as a JSON path (<c>$.input.name</c>, <c>$.input.columns</c>,
/// <c>$.output.probability</c>, …), or null when the file itself is the problem (ONNX Runtime cannot load or run it).
/// </param>
/// <param name="Message">What is wrong, for the person who exported the model.</param>
public sealed record OnnxCardMismatch(string? CardPath, string Message)
{
    /// <inheritdoc />
    public override string ToString() => CardPath is null ? Message : $"{CardPath}: {Message}";
}

/// <summary>
/// Checks that an ONNX model can be served the way its (valid) card says: ONNX Runtime loads it; it has exactly
/// one input, the card's <c>input.name</c>, taking float [N, columns] with a free batch dimension; the card's
/// probability and score outputs exist as float tensors of a shape the scorer reads; and it scores a batch.
/// Models exported from scikit-learn or PyTorch are registered by hand, so every mismatch is reported, each
/// at the part of the card it contradicts.
/// </summary>
public static class OnnxCardCheck
{
    // Two rows: a model whose batch dimension is fixed at 1 (a common export mistake) fails here, not in production.
    private const int SmokeTestRows = 2;

    /// <summary>Loads <paramref name="onnx"/> into ONNX Runtime and checks it against <paramref name="card"/>.</summary>
    /// <returns>Every mismatch; empty when the model fits the card.</returns>
    public static IReadOnlyList<OnnxCardMismatch> Check(ModelCard card, byte[] onnx) => Check(card, onnx, CancellationToken.None);

    /// <summary>
    /// Loads <paramref name="onnx"/> into ONNX Runtime (<see cref="OnnxSessions"/>: a model with external data is refused)
    /// and checks it against <paramref name="card"/>, within the time <paramref name="cancellationToken"/> allows: a model
    /// still loading when it is cancelled is refused (its session is disposed once loaded), and a run still scoring is
    /// stopped (ONNX Runtime's terminate flag) and refused.
    /// </summary>
    /// <returns>Every mismatch; empty when the model fits the card.</returns>
    public static IReadOnlyList<OnnxCardMismatch> Check(ModelCard card, byte[] onnx, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(onnx);
        if (cancellationToken.IsCancellationRequested)
            return [TooSlow("load")];

        var loading = Task.Run(() => OnnxSessions.Create(onnx), CancellationToken.None);
        InferenceSession session;
        try
        {
            loading.Wait(cancellationToken);
            session = loading.Result;
        }
        catch (OperationCanceledException)
        {
            // ONNX Runtime cannot stop loading: the session is let go of once it is there.
            _ = loading.ContinueWith(loaded => loaded.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return [TooSlow("load")];
        }
        catch (AggregateException exception) when (exception.InnerException is OnnxRuntimeException loadError)
        {
            return [new OnnxCardMismatch(null, $"ONNX Runtime cannot load the file: {loadError.Message}")];
        }
        catch (AggregateException exception) when (exception.InnerException is InvalidDataException refused)
        {
            return [new OnnxCardMismatch(null, $"The platform cannot load the file: {refused.Message}.")];
        }

        using (session)
        {
            var mismatches = Check(card, session);
            return mismatches.Count > 0 ? mismatches : SmokeTest(card, session, cancellationToken);
        }
    }

    /// <summary>Checks the inputs and outputs of a loaded model against <paramref name="card"/> (without running it).</summary>
    /// <returns>Every mismatch; empty when the model fits the card.</returns>
    public static IReadOnlyList<OnnxCardMismatch> Check(ModelCard card, InferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(session);

        var mismatches = new List<OnnxCardMismatch>();
        CheckInput(card, session, mismatches);
        CheckOutputs(card, session, mismatches);
        return mismatches;
    }

    private static void CheckInput(ModelCard card, InferenceSession session, List<OnnxCardMismatch> mismatches)
    {
        var columns = card.Input.Columns.Count;
        if (!session.InputMetadata.TryGetValue(card.Input.Name, out var input))
        {
            mismatches.Add(new OnnxCardMismatch("$.input.name", $"The model has no input '{card.Input.Name}' (it has: {string.Join(", ", session.InputMetadata.Keys)})."));
            return;
        }

        // The platform feeds one tensor; ONNX Runtime refuses a run that leaves a required input out.
        if (session.InputMetadata.Count > 1)
        {
            mismatches.Add(new OnnxCardMismatch("$.input.name",
                $"The model has {session.InputMetadata.Count} inputs ({string.Join(", ", session.InputMetadata.Keys)}); the platform feeds only '{card.Input.Name}', float [N, {columns}]."));
        }

        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float)
        {
            mismatches.Add(new OnnxCardMismatch("$.input.name",
                $"The input '{card.Input.Name}' takes {Describe(input)}, not float (export it as a float32 tensor)."));
            return;
        }

        if (input.Dimensions is not [var rows, var width] || (width > 0 && width != columns))
        {
            mismatches.Add(new OnnxCardMismatch("$.input.columns",
                $"The input '{card.Input.Name}' has shape [{string.Join(", ", input.Dimensions)}]; the card needs [N, {columns}] (its {columns} input columns)."));
            return;
        }

        if (rows > 0)
        {
            mismatches.Add(new OnnxCardMismatch("$.input.name",
                $"The input '{card.Input.Name}' has a fixed batch size of {rows}; the card needs [N, {columns}] with N free (export with a dynamic batch axis, e.g. torch.onnx.export(..., dynamic_axes={{'{card.Input.Name}': {{0: 'N'}}}}))."));
        }
    }

    private static void CheckOutputs(ModelCard card, InferenceSession session, List<OnnxCardMismatch> mismatches)
    {
        var outputs = session.OutputMetadata;
        if (card.Task != ModelTask.Regression && card.Output.Probability is { } probability)
        {
            if (!outputs.TryGetValue(probability, out var metadata))
            {
                mismatches.Add(NoOutput("$.output.probability", probability, outputs.Keys));
            }
            else if (!IsFloatTensor(metadata))
            {
                // scikit-learn classifiers export their probabilities as a sequence of maps unless told otherwise.
                mismatches.Add(new OnnxCardMismatch("$.output.probability",
                    $"The output '{probability}' is {Describe(metadata)}, not a float tensor (scikit-learn: convert with options={{'zipmap': False}})."));
            }
            else if (ProbabilityShapeProblem(card, metadata) is { } problem)
            {
                mismatches.Add(new OnnxCardMismatch("$.output.probability", $"The output '{probability}' has shape [{string.Join(", ", metadata.Dimensions)}]; {problem}."));
            }
        }

        if (card.Output.Score is { } score)
        {
            if (!outputs.TryGetValue(score, out var metadata))
                mismatches.Add(NoOutput("$.output.score", score, outputs.Keys));
            else if (!IsFloatTensor(metadata))
                mismatches.Add(new OnnxCardMismatch("$.output.score", $"The output '{score}' is {Describe(metadata)}, not a float tensor."));
            else if (metadata.Dimensions.Length is not (1 or 2))
                mismatches.Add(new OnnxCardMismatch("$.output.score", $"The output '{score}' has shape [{string.Join(", ", metadata.Dimensions)}]; the card needs [N] or [N, k]."));
        }
    }

    // What OnnxScorer reads: binary, the last column of [N], [N, 1] or [N, 2]; multiclass, one column per label.
    private static string? ProbabilityShapeProblem(ModelCard card, NodeMetadata metadata)
    {
        var dimensions = metadata.Dimensions;
        if (card.Task == ModelTask.Binary)
        {
            return dimensions is [_] or [_, <= 0 or 1 or 2]
                ? null
                : "a binary model needs [N], [N, 1] (the positive class) or [N, 2] (negative, positive)";
        }

        var labels = card.Output.Labels.Count;
        return dimensions is [_, var classes] && (classes <= 0 || classes == labels)
            ? null
            : $"a multiclass model needs [N, {labels}] (one column per label)";
    }

    // Runs the model once, as the scorer will: a failure here (e.g. an operator ONNX Runtime cannot run, or an
    // output whose size does not follow the batch) would otherwise fail every request.
    private static List<OnnxCardMismatch> SmokeTest(ModelCard card, InferenceSession session, CancellationToken cancellationToken)
    {
        var width = card.Input.Columns.Count;
        var outputNames = new[] { card.Task != ModelTask.Regression ? card.Output.Probability : null, card.Output.Score }.OfType<string>().ToArray();
        try
        {
            using var input = OrtValue.CreateTensorValueFromMemory(new float[SmokeTestRows * width], [SmokeTestRows, width]);
            using var runOptions = new RunOptions();
            using var stop = cancellationToken.Register(() => runOptions.Terminate = true);
            using var results = session.Run(runOptions, [card.Input.Name], [input], outputNames);
            var mismatches = new List<OnnxCardMismatch>();
            for (var index = 0; index < outputNames.Length; index++)
            {
                var count = results[index].GetTensorTypeAndShape().ElementCount;
                if (count == 0 || count % SmokeTestRows != 0)
                {
                    var path = outputNames[index] == card.Output.Score ? "$.output.score" : "$.output.probability";
                    mismatches.Add(new OnnxCardMismatch(path, $"Scoring {SmokeTestRows} rows gave {count} values in '{outputNames[index]}', not a whole number per row."));
                }
            }

            return mismatches;
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            return [TooSlow($"score a batch of {SmokeTestRows} rows")];
        }
        catch (OnnxRuntimeException exception)
        {
            return [new OnnxCardMismatch(null, $"ONNX Runtime loads the model but cannot score a batch of {SmokeTestRows} rows of {width} floats: {exception.Message}")];
        }
    }

    private static OnnxCardMismatch TooSlow(string what) =>
        new(null, $"ONNX Runtime did not {what} within the time the check allows.");

    private static bool IsFloatTensor(NodeMetadata metadata) => metadata.IsTensor && metadata.ElementDataType == TensorElementType.Float;

    private static OnnxCardMismatch NoOutput(string path, string name, IEnumerable<string> actual) =>
        new(path, $"The model has no output '{name}' (it has: {string.Join(", ", actual)}).");

    private static string Describe(NodeMetadata metadata) => metadata.OnnxValueType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR => $"a tensor of {metadata.ElementDataType}",
        OnnxValueType.ONNX_TYPE_SEQUENCE => "a sequence",
        OnnxValueType.ONNX_TYPE_MAP => "a map",
        var other => other.ToString(),
    };
}
