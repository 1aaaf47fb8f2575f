using Modeling.Records;
using Retrainer.Registry;

namespace Retrainer.Endpoints;

/// <summary>A model's uploaded training dataset (<c>GET</c> and <c>PUT /api/v1/models/{model}/training-dataset</c>).</summary>
/// <param name="Model">The model.</param>
/// <param name="FileName">The file's name as sent (a body: <c>dataset.{csv|jsonl|parquet}</c>).</param>
/// <param name="Format"><c>csv</c>, <c>jsonl</c> or <c>parquet</c>.</param>
/// <param name="SizeBytes">The file's size, kept as uploaded.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file.</param>
/// <param name="Rows">The rows the file holds.</param>
/// <param name="LabelledRows">The rows with a label the card's label rule reads and features the card accepts: the rows a challenger can train on.</param>
/// <param name="LabelField">The column the labels are read from.</param>
/// <param name="CheckedWithVersion">The served version whose card the file was checked with.</param>
/// <param name="UploadedAt">When the registry accepted it.</param>
/// <param name="Lineage">How a challenger trained on it names it in its lineage's dataset.</param>
/// <param name="Self">Where to read it.</param>
public sealed record TrainingDatasetView(
    string Model,
    string FileName,
    string Format,
    long SizeBytes,
    string Sha256,
    long Rows,
    long LabelledRows,
    string LabelField,
    string CheckedWithVersion,
    DateTimeOffset UploadedAt,
    string Lineage,
    string Self)
{
    /// <summary>The view of <paramref name="dataset"/>.</summary>
    public static TrainingDatasetView Of(TrainingDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new TrainingDatasetView(
            dataset.Model, dataset.FileName, RecordFormats.NameOf(dataset.Format), dataset.Bytes, dataset.Sha256, dataset.Rows, dataset.LabelledRows,
            dataset.LabelField, dataset.CheckedWithVersion, dataset.UploadedAt, dataset.LineageName, TrainingDatasetEndpoints.PathOf(dataset.Model));
    }
}
