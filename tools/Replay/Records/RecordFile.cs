using System.Globalization;
using System.Runtime.CompilerServices;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Records;

namespace Replay.Records;

/// <summary>
/// The records of a file (CSV, JSON Lines or Parquet, by its extension; read by the platform's own record readers) as
/// the replay plays them: each row's time from a time field, its request from the fields the model's card reads, and
/// its outcome from the label field, known at the row's time. The file is read whole and sorted by time (stably: file
/// order among equal times), so it need not be in order; it is meant for files of up to some hundred thousand rows
/// (the flights' 3 million rows are streamed a month at a time by <c>FlightSchedule</c>).
/// </summary>
public static class RecordFile
{
    /// <summary>
    /// The rows of <paramref name="path"/> with <paramref name="from"/> ≤ time &lt; <paramref name="to"/> that
    /// <paramref name="sampler"/> keeps, in time order. A row's entity key is its time and its row number in the file
    /// (<c>2013-01-01T00:00-366</c>): unique, and the same in every run whatever the range.
    /// </summary>
    /// <exception cref="InvalidDataException">The file cannot be read, or a row has no readable time (named by its number).</exception>
    public static async IAsyncEnumerable<ReplayRecord> ReadAsync(
        string path, IReadOnlyList<FeatureSpec> features, string timeField, string labelField, DateTime from, DateTime to, RecordSampler sampler,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(sampler);
        var format = RecordFormats.FromFileName(path)
            ?? throw new InvalidDataException($"{path}: the format is told by the extension, .csv, .jsonl or .parquet");
        var sink = new Sink(features, timeField, labelField);
        await using (var input = File.OpenRead(path))
            await RecordReaders.For(format).ReadAsync(input, sink, cancellationToken);
        if (sink.Problem is { } problem)
            throw new InvalidDataException($"{path}: {problem}");
        foreach (var record in sink.Records.OrderBy(record => record.Time))
        {
            if (record.Time >= from && record.Time < to && sampler.Keeps(record.EntityKey))
                yield return record;
        }
    }

    private sealed class Sink(IReadOnlyList<FeatureSpec> features, string timeField, string labelField) : IRecordSink
    {
        private long _row;

        public List<ReplayRecord> Records { get; } = [];

        public string? Problem { get; private set; }

        public void ReportRowCount(long rows)
        {
        }

        public ValueTask AcceptAsync<TRecord>(TRecord record, CancellationToken cancellationToken) where TRecord : IRawRecord
        {
            var row = _row++;
            if (Problem is not null)
                return ValueTask.CompletedTask;
            if (record.ValueOf(timeField).AsTimestamp() is not { } time)
            {
                Problem = string.Create(CultureInfo.InvariantCulture, $"row {row + 1} has no readable time in the field '{timeField}' (ISO 8601, e.g. 2013-01-01 or 2013-01-01T06:00)");
                return ValueTask.CompletedTask;
            }

            var fields = new List<KeyValuePair<string, RawValue>>(features.Count);
            foreach (var feature in features)
            {
                if (!string.Equals(feature.Name, labelField, StringComparison.OrdinalIgnoreCase))
                    fields.Add(new(feature.Name, Typed(feature, record.ValueOf(feature.Name))));
            }

            var key = string.Create(CultureInfo.InvariantCulture, $"{time:yyyy-MM-ddTHH:mm}-{row}");
            Records.Add(new ReplayRecord(time, key, fields, record.ValueOf(labelField), time));
            return ValueTask.CompletedTask;
        }

        public ValueTask RejectAsync(FieldError reason, CancellationToken cancellationToken)
        {
            Problem ??= string.Create(CultureInfo.InvariantCulture, $"row {_row + 1} cannot be read: {reason.Message}");
            _row++;
            return ValueTask.CompletedTask;
        }

        // A numeric feature's text (CSV holds only text) is sent as the number it is, as another system would send it.
        private static RawValue Typed(FeatureSpec feature, RawValue value) =>
            feature is NumericFeature && value.Kind == RawValueKind.Text && double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? RawValue.Of(number)
                : value;
    }
}
