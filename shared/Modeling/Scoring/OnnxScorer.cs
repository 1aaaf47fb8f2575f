using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Modeling.Cards;
using Modeling.Onnx;

namespace Modeling.Scoring;

/// <summary>
/// One model version loaded into ONNX Runtime, read the way its card says: the input tensor [N, columns],
/// the probability output ([N] or [N, 1] for binary, [N, labels] for multiclass) and the score output.
/// One instance serves any number of concurrent calls (an ONNX Runtime session is thread-safe for Run).
/// </summary>
public sealed class OnnxScorer : IDisposable
{
    // ONNX Runtime handles large batches well; this bounds the memory of one call's output tensors.
    private const int MaxRowsPerRun = 65_536;
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _hasProbability;
    private readonly bool _hasScore;

    private OnnxScorer(ModelCard card, InferenceSession session)
    {
        Card = card;
        _session = session;
        Width = card.Input.Columns.Count;
        _inputNames = [card.Input.Name];
        _hasProbability = card.Task != ModelTask.Regression && card.Output.Probability is not null;
        _hasScore = card.Output.Score is not null;
        _outputNames = [.. new[] { _hasProbability ? card.Output.Probability : null, _hasScore ? card.Output.Score : null }.OfType<string>()];
    }

    /// <summary>The card of the loaded version.</summary>
    public ModelCard Card { get; }

    /// <summary>Floats per record.</summary>
    public int Width { get; }

    /// <summary>
    /// Loads <paramref name="onnx"/> (<see cref="OnnxSessions"/>: a model with external data is refused) and checks it against
    /// the (valid) card (<see cref="OnnxCardCheck"/>): the one input exists and takes float [N, columns], the named outputs
    /// exist as float tensors.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the model cannot be loaded or does not match the card.</exception>
    public static OnnxScorer Load(ModelCard card, byte[] onnx)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(onnx);

        InferenceSession session;
        try
        {
            session = OnnxSessions.Create(onnx);
        }
        catch (OnnxRuntimeException exception)
        {
            throw new InvalidOperationException($"ONNX Runtime cannot load {card.Name} version {card.Version}: {exception.Message}", exception);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidOperationException($"The platform cannot load {card.Name} version {card.Version}: {exception.Message}.", exception);
        }

        try
        {
            CheckMatches(card, session);
            return new OnnxScorer(card, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Scores <c>destination.Length</c> records whose features are row-major in <paramref name="features"/>.</summary>
    public void Score(ReadOnlyMemory<float> features, Span<ModelScore> destination) => Score(features, destination, []);

    /// <summary>
    /// Scores as <see cref="Score(ReadOnlyMemory{float}, Span{ModelScore})"/> and, for a multiclass model, writes every label's
    /// probability row-major into <paramref name="probabilities"/> (the card's labels per record; empty: not wanted).
    /// </summary>
    public void Score(ReadOnlyMemory<float> features, Span<ModelScore> destination, Span<float> probabilities)
    {
        var rows = destination.Length;
        var classes = Card.Task == ModelTask.Multiclass ? Card.Output.Labels.Count : 0;
        if (probabilities.Length != 0 && probabilities.Length != rows * classes)
            throw new ArgumentException($"{probabilities.Length} floats is not {rows} records of {classes} label probabilities", nameof(probabilities));
        if (features.Length != rows * Width)
            throw new ArgumentException($"{features.Length} floats is not {rows} records of {Width}", nameof(features));

        using var runOptions = new RunOptions();
        for (var start = 0; start < rows; start += MaxRowsPerRun)
        {
            var count = Math.Min(MaxRowsPerRun, rows - start);
            var slice = MemoryMarshal.AsMemory(features.Slice(start * Width, count * Width));
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, slice, [count, Width]);
            using var outputs = _session.Run(runOptions, _inputNames, [input], _outputNames);
            Read(outputs, destination.Slice(start, count));
            if (probabilities.Length != 0)
                outputs[0].GetTensorDataAsSpan<float>().CopyTo(probabilities.Slice(start * classes, count * classes));
        }
    }

    /// <summary>Binary models: the positive class's probability of each record (row-major features).</summary>
    public float[] ScoreProbabilities(ReadOnlyMemory<float> features)
    {
        if (features.Length % Width != 0)
            throw new ArgumentException($"{features.Length} floats is not a whole number of records of {Width}", nameof(features));
        var scores = new ModelScore[features.Length / Width];
        Score(features, scores);
        return [.. scores.Select(score => score.Probability)];
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    private void Read(IDisposableReadOnlyCollection<OrtValue> outputs, Span<ModelScore> destination)
    {
        var rows = destination.Length;
        var next = 0;
        var probabilities = _hasProbability ? outputs[next++].GetTensorDataAsSpan<float>() : default;
        var values = _hasScore ? outputs[next].GetTensorDataAsSpan<float>() : default;
        var classes = _hasProbability ? probabilities.Length / rows : 0;
        var threshold = (float)Card.Output.Threshold;

        for (var row = 0; row < rows; row++)
        {
            var value = _hasScore ? values[row * (values.Length / rows)] : float.NaN;
            destination[row] = Card.Task switch
            {
                ModelTask.Binary when _hasProbability => Binary(probabilities[(row * classes) + classes - 1], threshold, value),
                ModelTask.Multiclass when _hasProbability => Multiclass(probabilities.Slice(row * classes, classes), value),
                _ => new ModelScore(-1, float.NaN, value),
            };
        }
    }

    private static ModelScore Binary(float positive, float threshold, float value) =>
        new(positive >= threshold ? 1 : 0, positive, value);

    private static ModelScore Multiclass(ReadOnlySpan<float> probabilities, float value)
    {
        var best = 0;
        for (var label = 1; label < probabilities.Length; label++)
        {
            if (probabilities[label] > probabilities[best])
                best = label;
        }

        return new ModelScore(best, probabilities[best], value);
    }

    // The same checks the registry applies when a version is uploaded (OnnxCardCheck), so what registers, loads.
    private static void CheckMatches(ModelCard card, InferenceSession session)
    {
        if (OnnxCardCheck.Check(card, session) is { Count: > 0 } mismatches)
            throw new InvalidOperationException(string.Join(" ", mismatches.Select(mismatch => mismatch.Message)));
    }
}
