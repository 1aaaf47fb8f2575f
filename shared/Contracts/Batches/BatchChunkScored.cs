using System.Text.Json.Serialization;
using Contracts.Serialization;

namespace Contracts.Batches;

/// <summary>
/// One chunk of a batch was scored: the bulk form of <c>PredictionMade</c> for batch traffic (one event per
/// chunk, not per row, columns instead of objects). FeatureBuilder stores it as the chunk's results;
/// monitoring reads the features and outputs of batch traffic from it. A batch row's prediction is
/// identified by <c>(BatchId, RowNumber)</c>. Its float arrays travel as base64 of float32 (<see cref="Float32Base64Converter"/>).
/// </summary>
/// <param name="BatchId">The batch.</param>
/// <param name="ChunkIndex">The chunk's position in the batch, from 0.</param>
/// <param name="ModelName">The model that scored.</param>
/// <param name="ModelVersion">The version that scored.</param>
/// <param name="Width">Floats per row in <paramref name="Features"/>.</param>
/// <param name="Features">The rows' feature vectors, row-major, as scored.</param>
/// <param name="RowNumbers">The input row number of each row, ascending.</param>
/// <param name="EntityKeys">The entity key of each row, or null when the input has none.</param>
/// <param name="Labels">The predicted label of each row (classification), or null.</param>
/// <param name="Probabilities">Binary: the positive class's probability of each row; multiclass: the predicted label's; or null.</param>
/// <param name="Values">Regression: the predicted value of each row; binary: the raw score when the model outputs one; or null.</param>
/// <param name="ReceivedAt">When the batch was submitted.</param>
/// <param name="ScoredAt">When Inference scored the chunk.</param>
public sealed record BatchChunkScored(
    Guid BatchId,
    int ChunkIndex,
    string ModelName,
    string ModelVersion,
    int Width,
    [property: JsonConverter(typeof(Float32Base64Converter))] float[] Features,
    long[] RowNumbers,
    string?[]? EntityKeys,
    string?[]? Labels,
    [property: JsonConverter(typeof(Float32Base64Converter))] float[]? Probabilities,
    [property: JsonConverter(typeof(Float32Base64Converter))] float[]? Values,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ScoredAt);
