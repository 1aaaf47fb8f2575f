namespace Contracts.Retraining;

/// <summary>
/// A retraining job of a model whose trainer is external asks the team to train a challenger. Sent by the Retrainer to
/// <c>platform.events</c> with routing key <c>retraining.requested.&lt;model&gt;</c> (plain JSON, camelCase) and POSTed
/// to the Retrainer's webhooks. The team trains on the rows <paramref name="ExportPath"/> gives (never on the hold-out),
/// and registers its version with <c>lineage.retrainingJob</c> set to <paramref name="JobId"/>; the Retrainer then
/// scores it and the champion on the hold-out and rolls it out when it wins.
/// </summary>
/// <param name="JobId">The job; the version's card names it in <c>lineage.retrainingJob</c>.</param>
/// <param name="ModelName">The model.</param>
/// <param name="ChampionVersion">The version serving when the job began.</param>
/// <param name="Task">The model's task: <c>binary</c>, <c>multiclass</c> or <c>regression</c>.</param>
/// <param name="Trigger">What started the job: <c>drift</c>, <c>performance</c>, <c>schedule</c> or <c>manual</c>.</param>
/// <param name="TriggerDetails">The alert or the reason given.</param>
/// <param name="TrainingFrom">The training rows' first observation time (inclusive); null: every kept row before <paramref name="TrainingTo"/> (policy <c>recent-plus-earlier</c>).</param>
/// <param name="TrainingTo">The training rows' end: the hold-out's first observation (rows observed at that moment may fall on either side; the export is exact).</param>
/// <param name="TrainingRows">How many kept rows the window held when the job asked.</param>
/// <param name="HoldoutFrom">The hold-out's first observation time (inclusive).</param>
/// <param name="HoldoutTo">The hold-out's last observation time (inclusive).</param>
/// <param name="HoldoutRows">How many rows the hold-out held when the job asked.</param>
/// <param name="ExportPath">The training rows' export on the public API, relative to the gateway: <c>/api/v1/models/{model}/retrainings/{jobId}/training-data?format=csv</c> (also <c>jsonl</c>, <c>parquet</c>).</param>
/// <param name="RegisterPath">Where to register the version: <c>POST</c> multipart, as any version.</param>
/// <param name="Metric">The metric the version is compared on, e.g. <c>auc</c>, <c>macroF1</c>, <c>rmse</c>.</param>
/// <param name="Margin">How much better than the champion's it must be, in the metric's units.</param>
/// <param name="RequestedAt">When the job asked.</param>
/// <param name="ExpiresAt">When the job stops waiting and ends as <c>expired</c>.</param>
public sealed record RetrainingRequested(
    string JobId,
    string ModelName,
    string ChampionVersion,
    string Task,
    string Trigger,
    string? TriggerDetails,
    DateTimeOffset? TrainingFrom,
    DateTimeOffset TrainingTo,
    int TrainingRows,
    DateTimeOffset HoldoutFrom,
    DateTimeOffset HoldoutTo,
    int HoldoutRows,
    string ExportPath,
    string RegisterPath,
    string Metric,
    double Margin,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt);
