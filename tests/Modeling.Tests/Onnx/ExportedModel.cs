using Microsoft.ML.OnnxRuntime;

namespace Modeling.Tests.Onnx;

/// <summary>An exported model loaded into ONNX Runtime from its bytes.</summary>
internal sealed class ExportedModel : IDisposable
{
    private readonly string _inputName;
    private readonly string[] _outputNames;

    public ExportedModel(byte[] onnx, string inputName = "features", string scoreName = "score", string probabilityName = "probability")
    {
        Session = new InferenceSession(onnx);
        _inputName = inputName;
        _outputNames = [scoreName, probabilityName];
    }

    public InferenceSession Session { get; }

    /// <summary>Scores <paramref name="rows"/> (row-major, <paramref name="featureCount"/> per row) in one run.</summary>
    public (float[] Scores, float[] Probabilities) Run(float[] rows, int featureCount)
    {
        var rowCount = rows.Length / featureCount;
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [rowCount, featureCount]);
        using var runOptions = new RunOptions();
        using var outputs = Session.Run(runOptions, [_inputName], [input], _outputNames);
        var scores = outputs[0];
        var probabilities = outputs[1];
        Assert.Equal([rowCount, 1L], scores.GetTensorTypeAndShape().Shape);
        Assert.Equal([rowCount, 1L], probabilities.GetTensorTypeAndShape().Shape);
        return (scores.GetTensorDataAsSpan<float>().ToArray(), probabilities.GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>
    /// Scores <paramref name="rows"/> (row-major, <paramref name="featureCount"/> per row) in one run and returns the
    /// named outputs, each checked to be float [rows, <paramref name="columns"/>].
    /// </summary>
    public float[][] RunOutputs(float[] rows, int featureCount, long columns, params string[] outputNames)
    {
        var rowCount = rows.Length / featureCount;
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [rowCount, featureCount]);
        using var runOptions = new RunOptions();
        using var outputs = Session.Run(runOptions, [_inputName], [input], outputNames);
        var values = new float[outputNames.Length][];
        for (var i = 0; i < outputNames.Length; i++)
        {
            Assert.Equal([rowCount, columns], outputs[i].GetTensorTypeAndShape().Shape);
            values[i] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
        }

        return values;
    }

    public void Dispose() => Session.Dispose();
}
