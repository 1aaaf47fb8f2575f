using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Mlp.Commands;

/// <summary><c>mlp models list</c> and <c>mlp models show MODEL</c>: the served models and what a record of each carries.</summary>
public static class ModelsCommands
{
    /// <summary>The <c>models</c> command and its subcommands.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var models = new Command("models", "The models: list the served ones, show one's fields, register, download and move aliases.");

        var list = new Command("list", "Lists the served models: version, task and the fields of a record.");
        list.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync("/api/v1/models", cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var table = new Table().AddColumns("Model", "Version", "Task", "Fields", "Description");
            foreach (var model in answer.EnumerateArray())
            {
                var fields = string.Join(", ", model.GetProperty("fields").EnumerateArray().Select(field => Text(field, "name")));
                table.AddRow(Cell(Text(model, "name")), Cell(Text(model, "version")), Cell(Text(model, "task")), Cell(fields), Cell(Text(model, "description")));
            }

            run.Terminal.Write(table);
            return 0;
        }));
        models.Subcommands.Add(list);

        var name = new Argument<string>("MODEL") { Description = "The model's name, e.g. flight-delay." };
        var show = new Command("show", "Shows a served model: its version, task, labels and every field a record carries, with ranges and values.");
        show.Arguments.Add(name);
        show.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync($"/api/v1/models/{Uri.EscapeDataString(run.Parsed.GetValue(name)!)}", cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var summary = new Grid().AddColumn().AddColumn();
            summary.AddRow(Cell("Model"), Cell(Text(answer, "name")));
            summary.AddRow(Cell("Version"), Cell(Text(answer, "version")));
            summary.AddRow(Cell("Task"), Cell(Text(answer, "task")));
            if (answer.TryGetProperty("labels", out var labels) && labels.GetArrayLength() > 0)
                summary.AddRow(Cell("Labels"), Cell(string.Join(", ", labels.EnumerateArray().Select(label => label.GetString()))));
            if (answer.TryGetProperty("threshold", out var threshold) && threshold.ValueKind == JsonValueKind.Number)
                summary.AddRow(Cell("Threshold"), Cell(threshold.GetDouble().ToString(CultureInfo.InvariantCulture)));
            summary.AddRow(Cell("Predict"), Cell(Text(answer, "predictPath")));
            run.Terminal.Write(summary);

            var fields = new Table().AddColumns("Field", "Kind", "Required", "Values", "Description");
            foreach (var field in answer.GetProperty("fields").EnumerateArray())
                fields.AddRow(Cell(Text(field, "name")), Cell(Text(field, "kind")), Cell(Text(field, "required")), Cell(ValuesOf(field)), Cell(Text(field, "description")));
            run.Terminal.Write(fields);
            return 0;
        }));
        models.Subcommands.Add(show);
        RegistryCommands.AddTo(models, shared);
        return models;
    }

    // What values a field takes: a numeric range, the categories (the first few, then how many), a timestamp's parts.
    private static string ValuesOf(JsonElement field)
    {
        if (field.TryGetProperty("min", out var min) && min.ValueKind == JsonValueKind.Number
            && field.TryGetProperty("max", out var max) && max.ValueKind == JsonValueKind.Number)
            return $"{min.GetDouble().ToString(CultureInfo.InvariantCulture)} to {max.GetDouble().ToString(CultureInfo.InvariantCulture)}";
        if (field.TryGetProperty("categories", out var categories) && categories.ValueKind == JsonValueKind.Array)
        {
            var values = categories.EnumerateArray().Select(category => category.GetString()).ToList();
            return values.Count <= 8 ? string.Join(", ", values) : $"{string.Join(", ", values.Take(8))} … ({values.Count} in all)";
        }

        if (field.TryGetProperty("categoryCount", out var count) && count.ValueKind == JsonValueKind.Number)
            return $"{count.GetInt32()} categories";
        if (field.TryGetProperty("timestampParts", out var parts) && parts.ValueKind == JsonValueKind.Array)
            return $"ISO 8601; parts used: {string.Join(", ", parts.EnumerateArray().Select(part => part.GetString()))}";
        return "";
    }

    /// <summary>A property as text ("" when absent or null).</summary>
    internal static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            JsonValueKind.True => "yes",
            JsonValueKind.False => "no",
            _ => value.GetRawText(),
        } : "";

    /// <summary>A table cell of plain text (no markup).</summary>
    internal static Text Cell(string text) => new(text);
}
