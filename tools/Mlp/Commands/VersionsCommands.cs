using System.CommandLine;
using System.Text.Json;
using Mlp.Connection;
using Spectre.Console;
using static Mlp.Commands.ModelsCommands;

namespace Mlp.Commands;

/// <summary>
/// The rest of the registry under <c>mlp models</c>: <c>versions</c> (every version with its aliases), <c>reference</c>
/// (a version's reference statistics from records), <c>delete</c> (a version that does not serve), and
/// <c>aliases list | delete</c>.
/// </summary>
public static class VersionsCommands
{
    /// <summary>Adds <c>versions</c>, <c>reference</c> and <c>delete</c> to <c>models</c>, and <c>list</c>, <c>delete</c> to its <c>aliases</c>.</summary>
    public static void AddTo(Command models, Command aliases, SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(aliases);
        ArgumentNullException.ThrowIfNull(shared);
        models.Subcommands.Add(Versions(shared));
        models.Subcommands.Add(Reference(shared));
        models.Subcommands.Add(Delete(shared));
        aliases.Subcommands.Add(ListAliases(shared));
        aliases.Subcommands.Add(DeleteAlias(shared));
    }

    private static Command Versions(SharedOptions shared)
    {
        var model = ModelArgument();
        var versions = new Command("versions", "Every registered version of MODEL, newest first: which serves, its aliases, task, when and by what it was registered, its hold-out metrics.");
        versions.Arguments.Add(model);
        versions.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync(VersionsPath(run.Parsed.GetValue(model)!), cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var table = new Table().AddColumns("Version", "Serving", "Aliases", "Task", "Registered", "Trigger", "Metrics");
            foreach (var version in answer.GetProperty("versions").EnumerateArray())
            {
                var trigger = version.TryGetProperty("lineage", out var lineage) && lineage.ValueKind == JsonValueKind.Object ? Text(lineage, "trigger") : "";
                table.AddRow(
                    Cell(Text(version, "version")), Cell(Text(version, "serving")), Cell(string.Join(", ", version.GetProperty("aliases").EnumerateArray().Select(alias => alias.GetString()))),
                    Cell(Text(version.GetProperty("summary"), "task")), Cell(Text(version, "registeredAt")), Cell(trigger), Cell(MetricsOf(version)));
            }

            run.Terminal.Write(table);
            return 0;
        }));
        return versions;
    }

    private static Command Reference(SharedOptions shared)
    {
        var (model, version) = (ModelArgument(), VersionArgument());
        var file = new Argument<string>("FILE") { Description = "The records: a .csv, .jsonl or .parquet file (with the label field, the version's metrics too)." };
        var reference = new Command("reference", "Replaces a version's reference statistics (what its traffic is compared with for drift) with those of FILE's records.");
        reference.Arguments.Add(model);
        reference.Arguments.Add(version);
        reference.Arguments.Add(file);
        reference.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var (name, number, records) = (run.Parsed.GetValue(model)!, run.Parsed.GetValue(version)!, run.Parsed.GetValue(file)!);
            var answer = await run.Client.PutFilePartAsync($"{VersionsPath(name)}/{Uri.EscapeDataString(number)}/reference", "reference", records, cancellationToken);
            if (run.Terminal.Json)
                run.Terminal.WriteJson(answer);
            else
            {
                var card = answer.GetProperty("card");
                var statistics = card.GetProperty("reference");
                run.Terminal.WriteLine($"{name} version {number}: reference from {Text(statistics, "dataset")}, {Text(statistics, "rows")} rows ({Text(statistics, "skippedRows")} skipped)");
            }

            return 0;
        }));
        return reference;
    }

    private static Command Delete(SharedOptions shared)
    {
        var (model, version) = (ModelArgument(), VersionArgument());
        var delete = new Command("delete", "Deletes a version that no alias points at and that does not serve (refused otherwise).");
        delete.Arguments.Add(model);
        delete.Arguments.Add(version);
        delete.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var (name, number) = (run.Parsed.GetValue(model)!, run.Parsed.GetValue(version)!);
            await run.Client.DeleteAsync($"{VersionsPath(name)}/{Uri.EscapeDataString(number)}", cancellationToken);
            if (!run.Terminal.Json)
                run.Terminal.WriteLine($"{name} version {number} deleted.");
            return 0;
        }));
        return delete;
    }

    private static Command ListAliases(SharedOptions shared)
    {
        var model = ModelArgument();
        var list = new Command("list", "The model's aliases and the versions they point at.");
        list.Arguments.Add(model);
        list.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync($"/api/v1/models/{Uri.EscapeDataString(run.Parsed.GetValue(model)!)}/aliases", cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var table = new Table().AddColumns("Alias", "Version", "Since");
            foreach (var alias in answer.GetProperty("aliases").EnumerateArray())
                table.AddRow(Cell(Text(alias, "alias")), Cell(Text(alias, "version")), Cell(Text(alias, "updatedAt")));
            run.Terminal.Write(table);
            return 0;
        }));
        return list;
    }

    private static Command DeleteAlias(SharedOptions shared)
    {
        var model = ModelArgument();
        var alias = new Argument<string>("ALIAS") { Description = "The alias to remove (not champion: move it instead)." };
        var delete = new Command("delete", "Removes an alias (champion cannot be removed: set it to another version).");
        delete.Arguments.Add(model);
        delete.Arguments.Add(alias);
        delete.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var (name, which) = (run.Parsed.GetValue(model)!, run.Parsed.GetValue(alias)!);
            await run.Client.DeleteAsync($"/api/v1/models/{Uri.EscapeDataString(name)}/aliases/{Uri.EscapeDataString(which)}", cancellationToken);
            if (!run.Terminal.Json)
                run.Terminal.WriteLine($"{name}: alias {which} removed.");
            return 0;
        }));
        return delete;
    }

    // The hold-out metrics of a version's task, e.g. "auc 0.651, accuracy 0.796".
    private static string MetricsOf(JsonElement version)
    {
        if (!version.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Object)
            return "";
        var section = metrics.EnumerateObject().FirstOrDefault(entry => entry.Value.ValueKind == JsonValueKind.Object).Value;
        if (section.ValueKind != JsonValueKind.Object)
            return "";
        return string.Join(", ", section.EnumerateObject()
            .Where(entry => entry.Value.ValueKind == JsonValueKind.Number && entry.Name is not ("rows" or "positiveRate"))
            .Select(entry => $"{entry.Name} {entry.Value.GetDouble().ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    private static Argument<string> ModelArgument() => new("MODEL") { Description = "The model's name, e.g. flight-delay." };

    private static Argument<string> VersionArgument() => new("VERSION") { Description = "The version, e.g. 2 (mlp models versions lists them)." };

    private static string VersionsPath(string model) => $"/api/v1/models/{Uri.EscapeDataString(model)}/versions";
}
