using Modeling.Records;

namespace Retrainer.Registry;

/// <summary>
/// A model's uploaded training dataset as the registry keeps it (one per model, a document of <c>training_datasets</c>
/// keyed by the model): the file as uploaded, in <see cref="IModelFiles"/>, and what the check on upload found in it.
/// <c>recent-plus-earlier</c> retraining takes its rows as the model's earlier data.
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="FileName">The file's name as sent (a body: <c>dataset.{csv|jsonl|parquet}</c>).</param>
/// <param name="Format">The records' format.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file.</param>
/// <param name="Rows">The rows the file holds.</param>
/// <param name="LabelledRows">The rows with a label the card's label rule reads and features the card accepts: the rows a challenger can train on.</param>
/// <param name="LabelField">The column the labels were read from (the card's <c>label.field</c>, <c>label</c> without one).</param>
/// <param name="CheckedWithVersion">The served version whose card the file was checked with.</param>
/// <param name="UploadedAt">When the registry accepted it.</param>
/// <param name="File">The file's reference in <see cref="IModelFiles"/> (set by <see cref="ModelStore.SetTrainingDatasetAsync"/>).</param>
public sealed record TrainingDataset(
    string Model,
    string FileName,
    RecordFormat Format,
    long Bytes,
    string Sha256,
    long Rows,
    long LabelledRows,
    string LabelField,
    string CheckedWithVersion,
    DateTimeOffset UploadedAt,
    string File = "")
{
    /// <summary>How a challenger's lineage names the dataset: <c>uploaded:{file name}@{the first 12 hex digits of its SHA-256}</c>.</summary>
    public string LineageName => $"uploaded:{FileName}@{Sha256[..Math.Min(12, Sha256.Length)]}";
}
