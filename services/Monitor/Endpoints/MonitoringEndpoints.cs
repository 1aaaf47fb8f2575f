using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitor.Alerts;
using Monitor.References;
using Monitor.Windows;
using ServiceDefaults;
using ServiceDefaults.Security;

namespace Monitor.Endpoints;

/// <summary>
/// Monitoring through the API (docs/monitoring.md): the watched model versions, one version's window report,
/// its timeline, the alert history and the rules' current states.
/// </summary>
public static class MonitoringEndpoints
{
    /// <summary>The most alerts one listing returns.</summary>
    public const int MaxAlerts = 1000;

    /// <summary>Maps the monitoring endpoints.</summary>
    public static IEndpointRouteBuilder MapMonitoringEndpoints(this IEndpointRouteBuilder app)
    {
        var monitoring = app.MapGroup("/api/v1/monitoring").WithTags("Monitoring");
        monitoring.MapGet("/models", ListModels).RequireScope(Scopes.Read)
            .WithName("ListMonitoredModels")
            .WithSummary("The model versions Monitor watches, with their traffic and active alerts.");
        monitoring.MapGet("/models/{model}/versions/{version}", GetReport).RequireScope(Scopes.Read)
            .WithName("GetMonitoringReport")
            .WithSummary("Drift per column, prediction drift, realized and estimated performance, and the worst segments of a version's count or time window.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        monitoring.MapGet("/models/{model}/versions/{version}/timeline", GetTimelineAsync).RequireScope(Scopes.Read)
            .WithName("GetMonitoringTimeline")
            .WithSummary("A version's drift, performance and latency per time bucket.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        monitoring.MapGet("/alerts", ListAlertsAsync).RequireScope(Scopes.Read)
            .WithName("ListAlerts")
            .WithSummary("Alert history, newest first.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        monitoring.MapGet("/alerts/active", ListRuleStates).RequireScope(Scopes.Read)
            .WithName("ListAlertRuleStates")
            .WithSummary("Every alert rule's current state per model version: ok, pending or firing.");
        return app;
    }

    private static Ok<MonitoredModelList> ListModels(MonitoredVersions versions, AlertEvaluator alerts)
    {
        var states = alerts.States;
        var models = versions.All
            .Select(windows =>
            {
                var card = windows.Profile.Card;
                lock (windows)
                {
                    return new MonitoredModel(card.Name, card.Version, windows.Predictions, windows.Outcomes, windows.FirstPredictionAt, windows.LastPredictionAt,
                        states.Count(state => state.ModelName == card.Name && state.ModelVersion == card.Version && state.State == RuleStatus.Firing));
                }
            })
            .OrderBy(model => model.Model).ThenBy(model => model.Version, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new MonitoredModelList(models));
    }

    private static Results<Ok<WindowReport>, ProblemHttpResult> GetReport(
        string model, string version, string? window, MonitoredVersions versions, AlertEvaluator alerts)
    {
        if (ParseWindow(window) is not { } kind)
            return InvalidParameter.Problem("window", $"The query parameter 'window' must be 'count' or 'time', not '{window}'.");
        if (versions.Existing(model, version) is not { } windows)
            return NotWatched(model, version);
        return TypedResults.Ok(alerts.Report(windows, kind));
    }

    private static async Task<Results<Ok<Timeline>, ProblemHttpResult>> GetTimelineAsync(
        string model, string version, string? from, string? to, MonitoredVersions versions, BucketStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!TryTime(from, now - TimeSpan.FromHours(24), out var start))
            return InvalidParameter.Problem("from", $"The query parameter 'from' must be an RFC 3339 time such as 2026-11-23T10:00:00Z, not '{from}'.");
        if (!TryTime(to, now + TimeSpan.FromMinutes(1), out var end))
            return InvalidParameter.Problem("to", $"The query parameter 'to' must be an RFC 3339 time such as 2026-11-23T11:00:00Z, not '{to}'.");
        if (end <= start)
            return InvalidParameter.Problem("to", "The query parameter 'to' must be later than 'from'.");
        var windows = versions.Existing(model, version);
        if (windows is null)
            return NotWatched(model, version);
        var buckets = await VersionTimeline.ReadAsync(windows, store, start, end, cancellationToken);
        var points = buckets.Select(bucket => TimelinePoint.Of(windows.Profile, bucket)).ToList();
        return TypedResults.Ok(new Timeline((int)windows.BucketDuration.TotalSeconds, points));
    }

    private static async Task<Results<Ok<AlertList>, ProblemHttpResult>> ListAlertsAsync(
        string? model, string? version, string? kind, string? since, string? limit, AlertStore store, CancellationToken cancellationToken)
    {
        if (kind is not (null or "drift" or "performance" or "stalled"))
            return InvalidParameter.Problem("kind", $"The query parameter 'kind' must be drift, performance or stalled, not '{kind}'.");
        var count = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxAlerts))
            return InvalidParameter.Problem("limit", $"The query parameter 'limit' must be a whole number from 1 to {MaxAlerts}, not '{limit}'.");
        DateTimeOffset? after = null;
        if (since is not null)
        {
            if (!TryTime(since, default, out var parsed))
                return InvalidParameter.Problem("since", $"The query parameter 'since' must be an RFC 3339 time, not '{since}'.");
            after = parsed;
        }

        var alerts = await store.ListAsync(new AlertQuery(model, version, kind, after, count), cancellationToken);
        return TypedResults.Ok(new AlertList([.. alerts.Select(AlertView.Of)]));
    }

    private static Ok<RuleStateList> ListRuleStates(AlertEvaluator alerts) => TypedResults.Ok(new RuleStateList([.. alerts.States.Select(RuleStateView.Of)]));

    private static WindowKind? ParseWindow(string? window) => window switch
    {
        null or "" or WindowKindName.Count => WindowKind.Count,
        WindowKindName.Time => WindowKind.Time,
        _ => null,
    };

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        value = fallback;
        return text is null || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private static ProblemHttpResult NotWatched(string model, string version) =>
        TypedResults.Problem(
            $"Monitor has seen no traffic of {model} version {version} since it started, and has no card for it.",
            statusCode: StatusCodes.Status404NotFound,
            title: "Unknown model version");
}
