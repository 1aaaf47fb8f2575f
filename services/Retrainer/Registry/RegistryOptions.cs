using Modeling.Records;
using ServiceDefaults;

namespace Retrainer.Registry;

/// <summary>Where the Retrainer keeps model bundles, and whether it trains the demo model when there is none. Section <c>Registry</c>.</summary>
public sealed class RegistryOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Registry";

    /// <summary>Folder of the bundles, laid out as <c>{name}/{version}/</c>. Env: <c>Registry__ModelsFolder</c>.</summary>
    public string ModelsFolder { get; set; } = Path.Combine(".data", "models");

    /// <summary>Train the flight-delay model on January 2001 at start-up when no version exists. Env: <c>Registry__BootstrapDemoModel</c>.</summary>
    public bool BootstrapDemoModel { get; set; } = true;

    /// <summary>
    /// The largest ONNX file <c>POST /api/v1/models/{model}/versions</c> accepts (413 beyond). Inference replicas
    /// receive the file over the broker (base64 in JSON): RabbitMQ's default 128 MiB message limit holds about
    /// 90 MiB of ONNX. Default 64 MiB. Env: <c>Registry__MaxUploadBytes</c>.
    /// </summary>
    public long MaxUploadBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// How long an uploaded ONNX file may take to load into ONNX Runtime and score two rows when it is checked against its card
    /// (400 beyond; the registry is unchanged). Default 60 s. Env: <c>Registry__OnnxCheckTimeout</c>.
    /// </summary>
    public TimeSpan OnnxCheckTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest reference file (the <c>reference</c> part of an upload) accepted (413 beyond). Default 1 GiB. Env: <c>Registry__MaxReferenceBytes</c>.</summary>
    public long MaxReferenceBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// The most rows of a reference file the statistics describe; beyond it, a uniform sample (seeded: the same file gives
    /// the same statistics). Default 200,000. Env: <c>Registry__ReferenceMaxRows</c>.
    /// </summary>
    public int ReferenceMaxRows { get; set; } = 200_000;

    /// <summary>
    /// The longest record of a reference file or a training dataset: a CSV record or field, or a JSON Lines line, in bytes.
    /// A longer CSV record refuses the file (400); a longer JSON line is an invalid row, skipped unread. Default 1 MiB.
    /// Env: <c>Registry__MaxRecordBytes</c>.
    /// </summary>
    public int MaxRecordBytes { get; set; } = RecordLimits.DefaultMaxRecordBytes;

    /// <summary>
    /// The most values (rows × columns) a Parquet row group of a reference file or a training dataset may hold; a larger one
    /// refuses the file (400) before it is read. Default 33,554,432. Env: <c>Registry__MaxRowGroupValues</c>.
    /// </summary>
    public long MaxRowGroupValues { get; set; } = RecordLimits.DefaultMaxRowGroupValues;

    /// <summary>The record limits of reference files and training datasets, from <see cref="MaxRecordBytes"/> and <see cref="MaxRowGroupValues"/>.</summary>
    public RecordLimits RecordLimits => new(MaxRecordBytes, MaxRowGroupValues, SectionName);

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        foreach (var error in RecordLimits.Errors(SectionName, MaxRecordBytes, MaxRowGroupValues))
            yield return error;
        if (string.IsNullOrWhiteSpace(ModelsFolder))
            yield return "Registry:ModelsFolder must name a folder.";
        if (MaxUploadBytes <= 0)
            yield return "Registry:MaxUploadBytes must be positive.";
        if (OnnxCheckTimeout <= TimeSpan.Zero)
            yield return "Registry:OnnxCheckTimeout must be positive.";
        if (MaxReferenceBytes <= 0)
            yield return "Registry:MaxReferenceBytes must be positive.";
        if (ReferenceMaxRows <= 0)
            yield return "Registry:ReferenceMaxRows must be positive.";
    }
}
