using System.Globalization;
using System.Text.Json;

namespace Replay.Messages;

/// <summary>Something the platform published on <c>platform.events</c> that the replay listens to.</summary>
public abstract record PlatformEvent;

/// <summary>A prediction (routing key <c>prediction.made.&lt;model&gt;</c>), plain or as a CloudEvent's data.</summary>
/// <param name="CorrelationId">The request's correlation id, as sent.</param>
/// <param name="EntityKey">The request's entity key.</param>
/// <param name="Version">The model version that answered.</param>
/// <param name="Label">The predicted label (binary and multiclass).</param>
/// <param name="Probability">Binary: the positive class's probability; multiclass: the predicted label's; regression: none.</param>
/// <param name="Value">The raw score, or the regression value.</param>
public sealed record PredictionReceived(string? CorrelationId, string? EntityKey, string? Version, string? Label, double? Probability, double? Value) : PlatformEvent;

/// <summary>An alert (routing key <c>alert.&lt;kind&gt;.&lt;model&gt;</c>): the fields the report shows.</summary>
/// <param name="Kind"><c>drift</c>, <c>performance</c> or <c>stalled</c>, from the routing key.</param>
/// <param name="Model">The model.</param>
/// <param name="Version">The model version.</param>
/// <param name="Rule">The alert rule that fired.</param>
/// <param name="Drifted">Drift: the drifted columns, worst first.</param>
/// <param name="Metric">Performance: the metric.</param>
/// <param name="Value">Performance: the metric's value; stalled: the seconds without predictions.</param>
/// <param name="Threshold">Performance: the threshold it crossed.</param>
/// <param name="Reference">Performance: the training hold-out's value.</param>
/// <param name="WindowEnd">When Monitor received the last prediction (or outcome) of the judged window.</param>
/// <param name="DetectedAt">When the rule fired.</param>
public sealed record AlertReceived(
    string Kind,
    string Model,
    string? Version,
    string? Rule,
    IReadOnlyList<DriftedColumn> Drifted,
    string? Metric,
    double? Value,
    double? Threshold,
    double? Reference,
    DateTimeOffset? WindowEnd,
    DateTimeOffset? DetectedAt) : PlatformEvent
{
    /// <summary>One line for the report: the drifted columns, or the metric against its threshold.</summary>
    public string Summary => Kind switch
    {
        "drift" => string.Join(", ", Drifted.Select(column => column.Score is { } score
            ? string.Create(CultureInfo.InvariantCulture, $"{column.Column} ({column.Statistic} {score:0.###})")
            : column.Column)),
        "performance" => string.Create(CultureInfo.InvariantCulture,
            $"{Metric} {Value:0.####} (threshold {Threshold:0.####}{(Reference is { } training ? $", training {training:0.####}" : "")})"),
        "stalled" => string.Create(CultureInfo.InvariantCulture, $"no predictions for {Value / 60:0.#} min"),
        _ => "",
    };
}

/// <summary>
/// A model lifecycle event of the Retrainer: <c>model.registered.&lt;model&gt;</c> (body: <c>ModelRegistered</c>) or
/// <c>rollout.&lt;state&gt;.&lt;model&gt;</c> (body: <c>RolloutChanged</c>), see docs/events.md.
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="Event"><c>registered</c>, or <c>rollout &lt;state&gt;</c>.</param>
/// <param name="Version">The registered version, or the rollout's challenger.</param>
/// <param name="Detail">The trigger, or strategy, share and reason.</param>
public sealed record LifecycleReceived(string Model, string Event, string? Version, string Detail) : PlatformEvent;

/// <summary>A drifted column of a drift alert.</summary>
/// <param name="Column">The tensor column (<c>origin</c>, <c>date.month</c>, …) or <c>prediction</c>.</param>
/// <param name="Statistic">The statistic (<c>psi</c>, …).</param>
/// <param name="Score">Its value in the window.</param>
public sealed record DriftedColumn(string Column, string? Statistic, double? Score);

/// <summary>Reads what arrives on the replay's queue; the documents are the ones docs/events.md and docs/monitoring.md describe.</summary>
public static class PlatformEventParser
{
    /// <summary>The event in <paramref name="body"/>; a <see cref="FormatException"/> says why when it is not one the replay knows.</summary>
    public static PlatformEvent Parse(string routingKey, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(routingKey);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"{routingKey}: not JSON ({exception.Message})", exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException($"{routingKey}: not a JSON object");
            if (routingKey.StartsWith("prediction.made.", StringComparison.Ordinal))
                return Prediction(routingKey, root);
            if (routingKey.StartsWith("alert.", StringComparison.Ordinal))
                return Alert(routingKey, root);
            if (routingKey.StartsWith("model.registered.", StringComparison.Ordinal))
                return new LifecycleReceived(Text(root, "modelName") ?? routingKey["model.registered.".Length..], "registered", Text(root, "version"), "trigger " + (Text(root, "trigger") ?? "?"));
            if (routingKey.StartsWith("rollout.", StringComparison.Ordinal))
                return Rollout(routingKey, root);
            throw new FormatException($"{routingKey}: not a prediction, an alert or a lifecycle event");
        }
    }

    private static PredictionReceived Prediction(string routingKey, JsonElement root)
    {
        // A CloudEvent carries the plain prediction in data, and the correlation id also as an attribute.
        var data = root.TryGetProperty("specversion", out _) && root.TryGetProperty("data", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : root;
        var correlationId = Text(data, "correlationId") ?? Text(root, "correlationid");
        var (label, probability, value) = (Text(data, "label"), Number(data, "probability"), Number(data, "value"));
        if (label is null && probability is null && value is null)
            throw new FormatException($"{routingKey}: the prediction for {correlationId} has no label, probability or value");
        return new PredictionReceived(correlationId, Text(data, "entityKey"), Text(data, "version"), label, probability, value);
    }

    private static LifecycleReceived Rollout(string routingKey, JsonElement root)
    {
        var parts = routingKey.Split('.', 3);
        if (parts.Length < 3)
            throw new FormatException($"{routingKey}: expected rollout.<state>.<model>");
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{Text(root, "strategy")}, challenger share {Number(root, "challengerShare") ?? 0:0.##}, champion {Text(root, "championVersion")}: {Text(root, "reason")}");
        return new LifecycleReceived(Text(root, "modelName") ?? parts[2], "rollout " + parts[1], Text(root, "challengerVersion"), detail);
    }

    private static AlertReceived Alert(string routingKey, JsonElement root)
    {
        var parts = routingKey.Split('.', 3);
        if (parts.Length < 3)
            throw new FormatException($"{routingKey}: expected alert.<kind>.<model>");
        var drifted = new List<DriftedColumn>();
        if (root.TryGetProperty("drifted", out var columns) && columns.ValueKind == JsonValueKind.Array)
        {
            foreach (var column in columns.EnumerateArray())
                drifted.Add(new DriftedColumn(Text(column, "column") ?? "?", Text(column, "statistic"), Number(column, "score")));
        }

        var value = Number(root, "value");
        if (parts[1] == "stalled" && Text(root, "silentFor") is { } silent && TimeSpan.TryParse(silent, CultureInfo.InvariantCulture, out var silentFor))
            value = silentFor.TotalSeconds;
        return new AlertReceived(
            parts[1],
            Text(root, "modelName") ?? parts[2],
            Text(root, "modelVersion"),
            Text(root, "rule"),
            drifted,
            Text(root, "metric"),
            value,
            Number(root, "threshold"),
            Number(root, "reference"),
            Time(root, "windowEnd"),
            Time(root, "detectedAt"));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time) ? time : null;
}
