using Modeling.Bundles;
using Modeling.Features;
using Modeling.Scoring;
using Replay.Records;

namespace Replay.Results;

/// <summary>
/// A model bundle the replay scores every record with itself, in-process, as the request is sent (<c>--baseline</c>):
/// what a never-retrained model would have answered on exactly the same records, so the report can put the live
/// metric of whatever the platform served beside the baseline's on the same rows.
/// </summary>
public sealed class BaselineModel : IDisposable
{
    private readonly Featurizer _featurizer;
    private readonly OnnxScorer _scorer;
    private readonly float[] _row;
    private readonly ModelScore[] _score = new ModelScore[1];

    private BaselineModel(ModelBundle bundle)
    {
        _featurizer = Featurizer.Create(bundle.Card);
        _scorer = OnnxScorer.Load(bundle.Card, bundle.Onnx);
        _row = new float[_featurizer.Width];
        Version = bundle.Card.Version;
    }

    /// <summary>The baseline's version, as its card says.</summary>
    public string Version { get; }

    /// <summary>Reads the bundle in <paramref name="folder"/> (a model card and its ONNX file); the exception says what is wrong.</summary>
    public static async Task<BaselineModel> LoadAsync(string folder, CancellationToken cancellationToken)
    {
        var read = await ModelBundle.ReadAsync(folder, cancellationToken);
        return read.Bundle is { } bundle
            ? new BaselineModel(bundle)
            : throw new InvalidOperationException($"--baseline {folder}: {string.Join("; ", read.Errors)}");
    }

    /// <summary>The baseline's score of <paramref name="record"/>, or null when its card cannot featurize the record.</summary>
    public ModelScore? Score(ReplayRecord record)
    {
        if (!_featurizer.Featurize(record, _row).IsValid)
            return null;
        _scorer.Score(_row, _score);
        return _score[0];
    }

    /// <inheritdoc />
    public void Dispose() => _scorer.Dispose();
}
