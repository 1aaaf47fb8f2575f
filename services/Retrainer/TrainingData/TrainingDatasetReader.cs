using Modeling.Cards;
using Modeling.Features;
using Modeling.Records;
using Modeling.Statistics;
using Retrainer.Registry;
using Retrainer.Training;

namespace Retrainer.TrainingData;

/// <summary>
/// Reads a model's uploaded training dataset by a card with the shared record readers. A row is labelled when the card's
/// label rule (<see cref="OutcomeLabels.TruthOf"/>) reads its label column (<see cref="TrainingDataWriter.LabelColumnOf"/>:
/// the files the kept rows are exported as read back), and usable when the card's featurizer accepts it too. On upload
/// the rows are counted (<see cref="CheckAsync"/>); for <c>recent-plus-earlier</c> the usable rows become training
/// examples, at most a given number, evenly spread over the file (<see cref="ExamplesAsync"/>, <see cref="EarlierDataAsync"/>).
/// </summary>
public static class TrainingDatasetReader
{
    /// <summary>How many invalid rows a check describes (the first ones).</summary>
    public const int InvalidRowsShown = 5;

    /// <summary>Counts the rows of <paramref name="content"/> in <paramref name="format"/> by <paramref name="card"/>.</summary>
    /// <exception cref="InvalidDataException">When the content is not in <paramref name="format"/> or a record is larger than <paramref name="limits"/>; the message says where.</exception>
    public static async Task<TrainingDatasetCheck> CheckAsync(ModelCard card, Stream content, RecordFormat format, RecordLimits limits, CancellationToken cancellationToken)
    {
        var rows = new Rows(card, keep: null);
        await RecordReaders.For(format, limits).ReadAsync(content, rows, cancellationToken);
        return new TrainingDatasetCheck(rows.Read, rows.Labelled, rows.Usable, rows.Invalid, rows.Unreadable);
    }

    /// <summary>
    /// The usable rows as training examples (the card's raw fields and the label value): all of them, or when there are
    /// more than <paramref name="maxRows"/>, the usable rows numbered <c>k × usable ÷ maxRows</c> for k = 0 … maxRows − 1, so
    /// the same file gives the same examples and they cover it from start to end. Reads the file twice (counting, then keeping),
    /// each time from a stream <paramref name="open"/> gives (disposed here).
    /// </summary>
    /// <exception cref="InvalidDataException">When the content is not in <paramref name="format"/>.</exception>
    public static async Task<IReadOnlyList<TrainingExample>> ExamplesAsync(
        ModelCard card, Func<CancellationToken, Task<Stream>> open, RecordFormat format, int maxRows, RecordLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        long usable;
        await using (var counted = await open(cancellationToken))
            usable = (await CheckAsync(card, counted, format, limits, cancellationToken)).UsableRows;
        var picks = Math.Min(usable, maxRows);
        var next = 0L;
        var rows = new Rows(card, index =>
        {
            if (next >= picks || index != next * usable / picks)
                return false;
            next++;
            return true;
        });
        await using (var read = await open(cancellationToken))
            await RecordReaders.For(format, limits).ReadAsync(read, rows, cancellationToken);
        return rows.Kept;
    }

    /// <summary>
    /// <c>recent-plus-earlier</c>'s earlier data from <paramref name="model"/>'s uploaded training dataset: its name for a
    /// challenger's lineage (<see cref="TrainingDataset.LineageName"/>) and its examples by <paramref name="card"/> (at most
    /// <paramref name="maxRows"/>, <see cref="ExamplesAsync"/>); null when the model has no uploaded dataset.
    /// </summary>
    /// <exception cref="FileNotFoundException">When the dataset is registered but its file is gone.</exception>
    public static async Task<(string Name, IReadOnlyList<TrainingExample> Examples)?> EarlierDataAsync(
        ModelRegistry registry, string model, ModelCard card, int maxRows, RecordLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (await registry.TrainingDatasetAsync(model, cancellationToken) is not { } dataset)
            return null;
        var examples = await ExamplesAsync(card, async token => await registry.OpenTrainingDatasetAsync(dataset, token)
            ?? throw new FileNotFoundException($"the training dataset uploaded for '{model}' ({dataset.FileName}) has no file in the registry's storage any more: upload it again, or delete it"),
            dataset.Format, maxRows, limits, cancellationToken);
        return (dataset.LineageName, examples);
    }

    // Counts rows as they are read; keeps (a copy of) the usable rows `keep` picks by their number among the usable rows.
    private sealed class Rows(ModelCard card, Func<long, bool>? keep) : IRecordSink
    {
        private readonly Featurizer _featurizer = Featurizer.Create(card);
        private readonly float[] _features = new float[card.Input.Columns.Count];
        private readonly string _label = TrainingDataWriter.LabelColumnOf(card);
        private readonly string[] _fields = [.. card.Features.Select(feature => feature.Name)];

        public long Read { get; private set; }

        public long Labelled { get; private set; }

        public long Usable { get; private set; }

        public long Unreadable { get; private set; }

        public List<InvalidReferenceRow> Invalid { get; } = [];

        public List<TrainingExample> Kept { get; } = [];

        public void ReportRowCount(long rows)
        {
        }

        public ValueTask AcceptAsync<TRecord>(TRecord record, CancellationToken cancellationToken) where TRecord : IRawRecord
        {
            Read++;
            var outcome = record.ValueOf(_label);
            if (OutcomeLabels.TruthOf(card, outcome) is null)
                return ValueTask.CompletedTask;
            Labelled++;
            var featurized = _featurizer.Featurize(record, _features);
            if (!featurized.IsValid)
                return Reject(featurized.Errors);
            // A reader's record is only valid during this call: the fields the card reads are copied.
            if (keep?.Invoke(Usable) == true)
                Kept.Add(new TrainingExample(new CopiedRecord(_fields.ToDictionary(field => field, field => record.ValueOf(field), StringComparer.Ordinal)), outcome));
            Usable++;
            return ValueTask.CompletedTask;
        }

        public ValueTask RejectAsync(FieldError reason, CancellationToken cancellationToken)
        {
            Read++;
            Unreadable++;
            return Reject([reason]);
        }

        private ValueTask Reject(IReadOnlyList<FieldError> errors)
        {
            if (Invalid.Count < InvalidRowsShown)
                Invalid.Add(new InvalidReferenceRow(Read, errors));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class CopiedRecord(Dictionary<string, RawValue> values) : IRawRecord
    {
        public RawValue ValueOf(string field) => values.TryGetValue(field, out var value) ? value : RawValue.Missing;
    }
}

/// <summary>What <see cref="TrainingDatasetReader.CheckAsync"/> found in a file.</summary>
/// <param name="Rows">Rows in the file.</param>
/// <param name="LabelledRows">Rows whose label the card's label rule reads.</param>
/// <param name="UsableRows">Labelled rows the card's featurizer accepts too: the rows a challenger can train on.</param>
/// <param name="InvalidRows">The first labelled rows the featurizer refused, and rows the reader could not read (at most <see cref="TrainingDatasetReader.InvalidRowsShown"/>).</param>
/// <param name="UnreadableRows">Rows the reader could not read at all (a line that is not a JSON object, or longer than the limit).</param>
public sealed record TrainingDatasetCheck(long Rows, long LabelledRows, long UsableRows, IReadOnlyList<InvalidReferenceRow> InvalidRows, long UnreadableRows);
