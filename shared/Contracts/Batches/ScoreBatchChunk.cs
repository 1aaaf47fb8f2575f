using System.Text.Json.Serialization;
using Contracts.Serialization;

namespace Contracts.Batches;

/// <summary>
/// Asks any Inference replica to score one chunk of a batch (a command on the <c>score-batch-chunk</c>
/// queue; replicas compete for chunks). Sent by FeatureBuilder after it validated and featurized the chunk's
/// rows by the model card of <paramref name="ModelVersion"/>. Answered by publishing <see cref="BatchChunkScored"/>.
/// </summary>
/// <param name="BatchId">The batch.</param>
/// <param name="ChunkIndex">The chunk's position in the batch, from 0; a chunk is stored once per index.</param>
/// <param name="ModelName">The model, e.g. <c>flight-delay</c>.</param>
/// <param name="ModelVersion">The version the batch is pinned to (the served one when it was submitted).</param>
/// <param name="Width">Floats per row: the card's input column count.</param>
/// <param name="Features">The valid rows' feature vectors, row-major, <c>RowNumbers.Length × Width</c> floats (base64 of float32 on the wire, see <see cref="Float32Base64Converter"/>).</param>
/// <param name="RowNumbers">The input row number (1 = the first data row) of each feature row, ascending.</param>
/// <param name="EntityKeys">The entity key of each row, when the input has the entity-key field; else null.</param>
/// <param name="ReceivedAt">When the batch was submitted.</param>
public sealed record ScoreBatchChunk(
    Guid BatchId,
    int ChunkIndex,
    string ModelName,
    string ModelVersion,
    int Width,
    [property: JsonConverter(typeof(Float32Base64Converter))] float[] Features,
    long[] RowNumbers,
    string?[]? EntityKeys,
    DateTimeOffset ReceivedAt);
