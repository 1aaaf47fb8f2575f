namespace Modeling.Records;

/// <summary>
/// How large one record of a file may be, checked before the reader allocates it: a CSV record or field, or a JSON Lines
/// line, in bytes; and a Parquet row group, in values (rows × columns). A service passes its settings
/// (<c>Batches:MaxRecordBytes</c>, <c>Registry:MaxRecordBytes</c>, …); <see cref="SettingsSection"/> names them in the errors.
/// </summary>
/// <param name="MaxRecordBytes">The longest CSV record (and field) or JSON Lines line, in bytes (CSV counts characters, one or more bytes each).</param>
/// <param name="MaxRowGroupValues">The most values (rows × columns) a Parquet row group may hold: the reader holds one row group at a time.</param>
/// <param name="SettingsSection">The configuration section the limits come from, named in the errors; empty for the defaults.</param>
public sealed record RecordLimits(int MaxRecordBytes = RecordLimits.DefaultMaxRecordBytes, long MaxRowGroupValues = RecordLimits.DefaultMaxRowGroupValues, string SettingsSection = "")
{
    /// <summary>The default longest record: 1 MiB, hundreds of times a record of a few hundred features.</summary>
    public const int DefaultMaxRecordBytes = 1024 * 1024;

    /// <summary>
    /// The default largest Parquet row group: 32 Mi values (e.g. 3.3 million rows of 10 columns), about 1 GiB while it is read;
    /// writers' defaults are 1 million rows (pyarrow) or 128 MiB (Spark).
    /// </summary>
    public const long DefaultMaxRowGroupValues = 32L * 1024 * 1024;

    /// <summary>The defaults.</summary>
    public static RecordLimits Default { get; } = new();

    /// <summary>Every invalid limit, one sentence each naming its key under <paramref name="section"/>.</summary>
    public static IEnumerable<string> Errors(string section, int maxRecordBytes, long maxRowGroupValues)
    {
        if (maxRecordBytes is < 1024 or > 256 * 1024 * 1024)
            yield return $"{section}:MaxRecordBytes must be between 1024 and 268435456.";
        if (maxRowGroupValues < 1024)
            yield return $"{section}:MaxRowGroupValues must be at least 1024.";
    }

    // "(Batches:MaxRecordBytes)" or "" for the defaults.
    internal string Named(string key) => SettingsSection.Length == 0 ? "" : $" ({SettingsSection}:{key})";
}
