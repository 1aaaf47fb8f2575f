using Modeling.Cards;
using Modeling.Features;
using Modeling.Records;
using Modeling.Scoring;

namespace Modeling.Statistics;

/// <summary>
/// A model version's reference statistics computed from a file of raw records, the data it was trained or validated
/// on: every record is featurized by the card; a uniform sample of at most <c>maxRows</c> valid rows (seeded, so the
/// same file gives the same statistics) is scored with the version's ONNX file and described column by column and
/// output by output; when the records carry the card's label field, the metrics of the labelled rows come too.
/// </summary>
public static class ReferenceDataset
{
    /// <summary>How many invalid rows the profile describes (the first ones).</summary>
    public const int InvalidRowsShown = 5;

    /// <summary>Reads <paramref name="input"/> in <paramref name="format"/> and profiles it for the scorer's model.</summary>
    /// <param name="scorer">The version, loaded; its card says the features, the task, the labels and the label field.</param>
    /// <param name="input">The records.</param>
    /// <param name="format">Their format.</param>
    /// <param name="name">The file's name, kept in the statistics (<see cref="ReferenceStatistics.Dataset"/>).</param>
    /// <param name="maxRows">The most rows described; beyond it, a uniform sample of the valid rows.</param>
    /// <param name="seed">The sample's seed.</param>
    /// <param name="limits">How large a record may be (<see cref="RecordLimits"/>).</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="InvalidDataException">When the input is not in <paramref name="format"/> or a record is larger than <paramref name="limits"/>; the message says where.</exception>
    public static async Task<ReferenceDatasetProfile> ProfileAsync(
        OnnxScorer scorer, Stream input, RecordFormat format, string name, int maxRows, int seed, RecordLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        var card = scorer.Card;
        var sample = new Sample(card, maxRows, new Random(seed));
        await RecordReaders.For(format, limits).ReadAsync(input, sample, cancellationToken);

        var rows = (int)Math.Min(sample.Valid, maxRows);
        var scores = new ModelScore[rows];
        var classes = card.Task == ModelTask.Multiclass ? card.Output.Labels.Count : 0;
        var probabilities = new float[rows * classes];
        scorer.Score(sample.Features.AsMemory(0, rows * scorer.Width), scores, probabilities);

        var builder = new ReferenceStatisticsBuilder(card);
        for (var row = 0; row < rows; row++)
            builder.Add(sample.Features.AsSpan(row * scorer.Width, scorer.Width), scores[row], probabilities.AsSpan(row * classes, classes), sample.Labels[row]);
        var statistics = builder.Build() with { Source = "dataset", Dataset = name, SkippedRows = sample.Read - sample.Valid };
        return new ReferenceDatasetProfile(statistics, builder.Metrics(), sample.Read, sample.Labels.Take(rows).Count(label => label is not null), sample.Invalid);
    }

    // Algorithm R: the first maxRows valid rows fill the sample; the n-th after them replaces a random one with probability maxRows / n.
    private sealed class Sample(ModelCard card, int maxRows, Random random) : IRecordSink
    {
        private readonly Featurizer _featurizer = Featurizer.Create(card);
        private readonly float[] _row = new float[card.Input.Columns.Count];

        public float[] Features { get; private set; } = new float[Math.Min(maxRows, 4096) * card.Input.Columns.Count];

        public List<double?> Labels { get; } = [];

        public List<InvalidReferenceRow> Invalid { get; } = [];

        public long Read { get; private set; }

        public long Valid { get; private set; }

        public void ReportRowCount(long rows)
        {
        }

        public ValueTask AcceptAsync<TRecord>(TRecord record, CancellationToken cancellationToken) where TRecord : IRawRecord
        {
            Read++;
            var result = _featurizer.Featurize(record, _row);
            if (!result.IsValid)
                return RejectAsync(result.Errors, cancellationToken);
            var slot = Valid < maxRows ? Valid : random.NextInt64(Valid + 1);
            Valid++;
            if (slot >= maxRows)
                return ValueTask.CompletedTask;
            var truth = card.Label is { } label ? OutcomeLabels.TruthOf(card, record.ValueOf(label.Field)) : null;
            if (slot == Labels.Count)
            {
                Labels.Add(truth);
                EnsureRoom(Labels.Count);
            }
            else
            {
                Labels[(int)slot] = truth;
            }

            _row.CopyTo(Features.AsSpan((int)slot * _row.Length));
            return ValueTask.CompletedTask;
        }

        public ValueTask RejectAsync(FieldError reason, CancellationToken cancellationToken)
        {
            Read++;
            return RejectAsync([reason], cancellationToken);
        }

        private ValueTask RejectAsync(IReadOnlyList<FieldError> errors, CancellationToken cancellationToken)
        {
            if (Invalid.Count < InvalidRowsShown)
                Invalid.Add(new InvalidReferenceRow(Read, errors));
            return ValueTask.CompletedTask;
        }

        // The features array grows with the sample (doubling), so a small file does not allocate maxRows rows.
        private void EnsureRoom(int rows)
        {
            if (rows * _row.Length <= Features.Length)
                return;
            var grown = new float[Math.Min(Math.Max(rows, Features.Length / Math.Max(1, _row.Length) * 2), maxRows) * _row.Length];
            Features.CopyTo(grown, 0);
            Features = grown;
        }
    }
}

/// <summary>What <see cref="ReferenceDataset.ProfileAsync"/> found.</summary>
/// <param name="Statistics">The reference statistics of the sampled valid rows (<see cref="ReferenceStatistics.Rows"/> 0: none was valid).</param>
/// <param name="Metrics">The metrics of the sampled rows that carried a readable label; null when none did.</param>
/// <param name="RowsRead">Rows in the file.</param>
/// <param name="RowsLabelled">Sampled rows with a readable label.</param>
/// <param name="InvalidRows">The first rows that could not be featurized (at most <see cref="ReferenceDataset.InvalidRowsShown"/>).</param>
public sealed record ReferenceDatasetProfile(
    ReferenceStatistics Statistics, TrainingMetrics? Metrics, long RowsRead, long RowsLabelled, IReadOnlyList<InvalidReferenceRow> InvalidRows);

/// <summary>A row of a reference file that could not be featurized: its number (from 1) and why.</summary>
public sealed record InvalidReferenceRow(long Row, IReadOnlyList<FieldError> Errors);
