using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlp.Connection;
using Spectre.Console;
using static Mlp.Commands.ModelsCommands;

namespace Mlp.Commands;

/// <summary>
/// <c>mlp monitor MODEL [--version V] [--window count|time]</c>: a model version's window report (drift per column, the
/// predictions beside the reference's, live and estimated performance beside the card's) and its alert rules. Exits
/// <see cref="Firing"/> when one of the version's rules fires, so a pipeline can gate on it.
/// </summary>
public static class MonitorCommand
{
    /// <summary>The exit code when a rule of the version fires.</summary>
    public const int Firing = 3;

    private static readonly string[] PredictionNumbers =
        ["meanProbability", "predictedPositiveRate", "meanConfidence", "meanValue"];

    private static readonly string[] PerformanceSources = ["realized", "estimated", "reference"];

    /// <summary>The <c>monitor</c> command.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var model = new Argument<string>("MODEL") { Description = "The model's name, e.g. flight-delay." };
        var version = new Option<string?>("--version") { Description = "The version (default: the one served)." };
        var window = new Option<string>("--window")
        {
            Description = "count (the last Monitoring:CountWindow predictions) or time (the last Monitoring:TimeWindow).",
            DefaultValueFactory = _ => "count",
        }.AcceptOnlyFromAmong("count", "time");
        var monitor = new Command("monitor", $"A model version's drift per column, predictions, live metrics and alert rules. Exits {Firing} when one of its rules fires.");
        monitor.Arguments.Add(model);
        monitor.Options.Add(version);
        monitor.Options.Add(window);
        monitor.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var name = run.Parsed.GetValue(model)!;
            var served = run.Parsed.GetValue(version)
                ?? Text(await run.Client.GetAsync($"/api/v1/models/{Uri.EscapeDataString(name)}", cancellationToken), "version");
            JsonElement? report;
            try
            {
                report = await run.Client.GetAsync(
                    $"/api/v1/monitoring/models/{Uri.EscapeDataString(name)}/versions/{Uri.EscapeDataString(served)}?window={run.Parsed.GetValue(window)}", cancellationToken);
            }
            catch (ApiProblem problem) when (problem.Status == HttpStatusCode.NotFound)
            {
                report = null;
            }

            var rules = (await run.Client.GetAsync("/api/v1/monitoring/alerts/active", cancellationToken)).GetProperty("rules").EnumerateArray()
                .Where(rule => Text(rule, "model") == name && Text(rule, "version") == served)
                .ToList();
            var firing = rules.Any(rule => Text(rule, "state") == "firing");
            if (run.Terminal.Json)
            {
                var answer = new JsonObject
                {
                    ["model"] = name,
                    ["version"] = served,
                    ["firing"] = firing,
                    ["report"] = report is { } some ? JsonNode.Parse(some.GetRawText()) : null,
                    ["rules"] = new JsonArray([.. rules.Select(rule => JsonNode.Parse(rule.GetRawText()))]),
                };
                run.Terminal.WriteJson(JsonSerializer.SerializeToElement(answer));
            }
            else
            {
                if (report is { } found)
                    WriteReport(run.Terminal, found);
                else
                    run.Terminal.WriteLine($"Monitor has no window of {name} version {served} yet: no prediction of it since it was registered or Monitor started.");
                WriteRules(run.Terminal, rules);
            }

            return firing ? Firing : 0;
        }));
        return monitor;
    }

    private static void WriteReport(Terminal terminal, JsonElement report)
    {
        var window = report.GetProperty("window");
        var reference = report.GetProperty("reference");
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow(Cell("Model"), Cell($"{Text(report, "model")} version {Text(report, "version")} ({Text(report, "task")})"));
        summary.AddRow(Cell("Window"), Cell($"{Text(window, "description")}: {Text(window, "predictions")} predictions, {Text(window, "outcomes")} outcomes ({Text(window, "outcomeDescription")})"));
        summary.AddRow(Cell("Reference"), Cell(Text(reference, "kind") is { Length: > 0 } kind
            ? $"{kind}, {Text(reference, "rows")} rows {Text(reference, "dataset")}".TrimEnd()
            : $"none yet{(Text(reference, "liveRowsNeeded") is { Length: > 0 } needed ? $" (collecting live: {Text(reference, "liveRowsCollected")} of {needed} rows)" : "")}"));
        terminal.Write(summary);

        var drift = new Table().AddColumns("Column", "Kind", "Rows", "PSI", "KS p-value", "χ² p-value", "Jensen-Shannon", "Drifted");
        foreach (var column in report.GetProperty("drift").EnumerateArray())
        {
            drift.AddRow(
                Cell(Text(column, "column")), Cell(Text(column, "kind")), Cell(Text(column, "rows")), Cell(Number(column, "psi")), Cell(Number(column, "ksPValue")),
                Cell(Number(column, "chiSquarePValue")), Cell(Number(column, "jensenShannon")), Cell(column.GetProperty("drifted").GetBoolean() ? "DRIFTED" : "no"));
        }

        terminal.Write(drift);

        var prediction = report.GetProperty("prediction");
        var predictions = new Table().AddColumns("Prediction", "Window", "Reference");
        foreach (var number in PredictionNumbers)
        {
            var inWindow = Number(prediction, number);
            var referenceValue = Number(prediction, "reference" + char.ToUpperInvariant(number[0]) + number[1..]);
            if (inWindow.Length > 0 || referenceValue.Length > 0)
                predictions.AddRow(Cell(number), Cell(inWindow), Cell(referenceValue));
        }

        if (predictions.Rows.Count > 0)
            terminal.Write(predictions);

        var performance = report.GetProperty("performance");
        var sources = PerformanceSources
            .Select(source => performance.TryGetProperty(source, out var numbers) && numbers.ValueKind == JsonValueKind.Object ? numbers : default)
            .ToList();
        var metrics = sources.Where(numbers => numbers.ValueKind == JsonValueKind.Object)
            .SelectMany(numbers => numbers.EnumerateObject().Where(member => member.Value.ValueKind == JsonValueKind.Number && member.Name != "rows" && !member.Name.EndsWith("Rows", StringComparison.Ordinal)).Select(member => member.Name))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (metrics.Count == 0)
            return;
        var table = new Table().AddColumns("Metric", "Live (outcomes)", "Estimated", "Card (hold-out)");
        foreach (var metric in metrics)
            table.AddRow([Cell(metric), .. sources.Select(numbers => Cell(numbers.ValueKind == JsonValueKind.Object ? Number(numbers, metric) : ""))]);
        terminal.Write(table);
    }

    private static void WriteRules(Terminal terminal, List<JsonElement> rules)
    {
        if (rules.Count == 0)
        {
            terminal.WriteLine("No alert rule has judged this version yet.");
            return;
        }

        var table = new Table().AddColumns("Rule", "Kind", "State", "In a row", "Since", "Last fired", "Last value");
        foreach (var rule in rules)
        {
            table.AddRow(
                Cell(Text(rule, "rule")), Cell(Text(rule, "kind")), Cell(Text(rule, "state") == "firing" ? "FIRING" : Text(rule, "state")), Cell(Text(rule, "consecutive")),
                Cell(Text(rule, "since")), Cell(Text(rule, "lastFiredAt")), Cell(Number(rule, "lastValue")));
        }

        terminal.Write(table);
    }

    private static string Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture) : "";
}
