using System.Globalization;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Records;

namespace Retrainer.Training;

/// <summary>
/// Trains a first version of any model from its card and a data file, without a running system: the rows of a CSV,
/// JSON Lines or Parquet file (read by the platform's record readers) whose time falls in a window become training
/// examples (the card's features as the input, the card's <c>label.field</c> as the outcome, judged by its label
/// rule), a seeded share of them is held out for the card's metrics, and <see cref="CardTrainer"/> trains and exports
/// the version. <c>Retrainer train --card …</c> runs it (<see cref="RetrainerCommandLine"/>).
/// </summary>
public static class CardFileTraining
{
    /// <summary>Trains <paramref name="card"/> on the rows of <paramref name="dataFile"/> that <paramref name="options"/> selects.</summary>
    /// <exception cref="InvalidOperationException">The card has no label field, the window holds no row, or the trainer finds nothing to learn.</exception>
    /// <exception cref="InvalidDataException">The file cannot be read, or a row of a window has no readable time.</exception>
    public static async Task<TrainedModel> TrainAsync(ModelCard card, string dataFile, CardFileTrainingOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(options);
        var labelField = card.Label?.Field is { Length: > 0 } field ? field : throw new InvalidOperationException($"the card of '{card.Name}' has no label.field: the field of the data that holds the outcome");
        var format = RecordFormats.FromFileName(dataFile) ?? throw new InvalidDataException($"{dataFile}: the format is told by the extension, .csv, .jsonl or .parquet");
        string[] fields = [.. card.Features.Select(feature => feature.Name), labelField, options.TimeField];
        var sink = new Sink(fields, options);
        await using (var input = File.OpenRead(dataFile))
            await RecordReaders.For(format).ReadAsync(input, sink, cancellationToken);
        if (sink.Problem is { } problem)
            throw new InvalidDataException($"{dataFile}: {problem}");
        if (sink.Rows.Count == 0)
            throw new InvalidOperationException($"{dataFile} has no row in the window {options.From:yyyy-MM-dd} – {options.To:yyyy-MM-dd} (by its field '{options.TimeField}')");

        // The same seeded split as the flights trainer: a row goes to the hold-out with the hold-out's probability.
        var random = new Random(options.Seed);
        var training = new List<TrainingExample>();
        var holdout = new List<TrainingExample>();
        foreach (var row in sink.Rows)
            (random.NextDouble() < options.HoldoutFraction ? holdout : training).Add(new TrainingExample(row, row.ValueOf(labelField)));

        return new CardTrainer(time).Train(card, training, holdout, new CardTrainingOptions
        {
            Version = options.Version,
            Trigger = "manual",
            Dataset = Path.GetFileName(dataFile),
            WindowStart = options.From,
            WindowEnd = options.To,
            HoldoutFraction = options.HoldoutFraction,
            Trees = options.Trees,
            Leaves = options.Leaves,
            MinimumRowsPerLeaf = options.MinimumRowsPerLeaf,
            Seed = options.Seed,
        });
    }

    // Keeps a copy of the fields the training reads of each row in the window (a reader may reuse its record).
    private sealed class Sink(string[] fields, CardFileTrainingOptions options) : IRecordSink
    {
        private long _row;

        public List<CopiedRecord> Rows { get; } = [];

        public string? Problem { get; private set; }

        public void ReportRowCount(long rows)
        {
        }

        public ValueTask AcceptAsync<TRecord>(TRecord record, CancellationToken cancellationToken) where TRecord : IRawRecord
        {
            _row++;
            if (Problem is not null)
                return ValueTask.CompletedTask;
            if (options.From is not null || options.To is not null)
            {
                if (record.ValueOf(options.TimeField).AsTimestamp() is not { } time)
                {
                    Problem = string.Create(CultureInfo.InvariantCulture, $"row {_row} has no readable time in the field '{options.TimeField}'");
                    return ValueTask.CompletedTask;
                }

                if (time < (options.From ?? DateTime.MinValue) || time >= (options.To ?? DateTime.MaxValue))
                    return ValueTask.CompletedTask;
            }

            var values = new Dictionary<string, RawValue>(StringComparer.OrdinalIgnoreCase);
            foreach (var field in fields)
                values[field] = record.ValueOf(field);
            Rows.Add(new CopiedRecord(values));
            return ValueTask.CompletedTask;
        }

        public ValueTask RejectAsync(FieldError reason, CancellationToken cancellationToken)
        {
            _row++;
            Problem ??= string.Create(CultureInfo.InvariantCulture, $"row {_row} cannot be read: {reason.Message}");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class CopiedRecord(Dictionary<string, RawValue> values) : IRawRecord
    {
        public RawValue ValueOf(string field) => values.GetValueOrDefault(field);
    }
}
