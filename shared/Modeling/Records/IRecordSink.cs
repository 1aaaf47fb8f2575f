using Modeling.Features;

namespace Modeling.Records;

/// <summary>Receives the rows a record reader reads, one call per input row, in input order.</summary>
public interface IRecordSink
{
    /// <summary>The input has this many rows (a reader that knows it up front, as Parquet does, says so once).</summary>
    void ReportRowCount(long rows);

    /// <summary>The next row, as a raw record to validate and featurize.</summary>
    ValueTask AcceptAsync<TRecord>(TRecord record, CancellationToken cancellationToken) where TRecord : IRawRecord;

    /// <summary>The next row could not be read as a record at all (e.g. a line that is not JSON).</summary>
    ValueTask RejectAsync(FieldError reason, CancellationToken cancellationToken);
}
