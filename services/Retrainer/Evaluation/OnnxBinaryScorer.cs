using Microsoft.ML.OnnxRuntime;
using Modeling.Cards;

namespace Retrainer.Evaluation;

/// <summary>Scores feature rows with a binary model's ONNX file through ONNX Runtime, in batches.</summary>
public sealed class OnnxBinaryScorer : IDisposable
{
    private const int BatchRows = 65_536;
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly string _output;
    private readonly int _width;

    /// <summary>Loads the model; the card names the input, the probability output and the width.</summary>
    public OnnxBinaryScorer(ModelCard card, byte[] onnx)
    {
        ArgumentNullException.ThrowIfNull(card);
        _session = new InferenceSession(onnx);
        _input = card.Input.Name;
        _output = card.Output.Probability ?? throw new ArgumentException("the card has no probability output", nameof(card));
        _width = card.Input.Columns.Count;
    }

    /// <summary>The positive-class probability of each row of <paramref name="features"/> (row-major, width = the card's columns).</summary>
    public float[] Score(ReadOnlyMemory<float> features)
    {
        if (features.Length % _width != 0)
            throw new ArgumentException($"{features.Length} values is not a whole number of rows of {_width}", nameof(features));
        var rows = features.Length / _width;
        var probabilities = new float[rows];
        using var runOptions = new RunOptions();
        for (var start = 0; start < rows; start += BatchRows)
        {
            var count = Math.Min(BatchRows, rows - start);
            var batch = features.Slice(start * _width, count * _width).ToArray();
            using var input = OrtValue.CreateTensorValueFromMemory(batch, [count, _width]);
            using var outputs = _session.Run(runOptions, [_input], [input], [_output]);
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(probabilities.AsSpan(start, count));
        }

        return probabilities;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
