using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Mlp.Connection;
using Spectre.Console;
using static Mlp.Commands.ModelsCommands;

namespace Mlp.Commands;

/// <summary>
/// <c>mlp training-data export | upload | show | delete</c>: a model's labelled rows (its predictions' inputs joined to
/// their outcomes), taken to train elsewhere; and the training dataset a team uploads for retraining to learn from.
/// </summary>
public static class TrainingDataCommands
{
    /// <summary>The <c>training-data</c> command and its subcommands.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var data = new Command("training-data", "A model's training data: export its labelled rows, upload the dataset retraining learns from.");
        data.Subcommands.Add(Export(shared));
        data.Subcommands.Add(Upload(shared));
        data.Subcommands.Add(Show(shared));
        data.Subcommands.Add(Delete(shared));
        return data;
    }

    private static Command Export(SharedOptions shared)
    {
        var model = ModelArgument();
        var to = new Option<string>("--to") { Description = "Where to write the rows.", Required = true };
        var format = new Option<string>("--format") { Description = "csv, jsonl or parquet.", DefaultValueFactory = _ => "csv" }.AcceptOnlyFromAmong("csv", "jsonl", "parquet");
        var from = new Option<DateTimeOffset?>("--from") { Description = "Only rows observed at or after this time (ISO 8601)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only rows observed before this time (ISO 8601)." };
        var export = new Command("export", "Downloads the model's labelled rows, oldest first: the raw fields, the truth, when it was observed, the outcome, version and source. A reference file as the registry takes it.");
        export.Arguments.Add(model);
        export.Options.Add(to);
        export.Options.Add(format);
        export.Options.Add(from);
        export.Options.Add(until);
        export.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var query = $"?format={run.Parsed.GetValue(format)}";
            if (run.Parsed.GetValue(from) is { } start)
                query += $"&from={Uri.EscapeDataString(start.ToString("O", CultureInfo.InvariantCulture))}";
            if (run.Parsed.GetValue(until) is { } end)
                query += $"&to={Uri.EscapeDataString(end.ToString("O", CultureInfo.InvariantCulture))}";
            var file = run.Parsed.GetValue(to)!;
            var bytes = await run.Client.DownloadAsync($"{ModelPath(run.Parsed.GetValue(model)!)}/training-data{query}", file, cancellationToken);
            if (run.Terminal.Json)
                run.Terminal.WriteJson(JsonSerializer.SerializeToElement(new { file = Path.GetFullPath(file), bytes }));
            else
                run.Terminal.WriteLine($"Saved the labelled rows of {run.Parsed.GetValue(model)} to {file} ({bytes:N0} bytes)");
            return 0;
        }));
        return export;
    }

    private static Command Upload(SharedOptions shared)
    {
        var model = ModelArgument();
        var file = new Argument<string>("FILE") { Description = "The records with their label field: a .csv, .jsonl or .parquet file." };
        var upload = new Command("upload", "Uploads the model's training dataset (replacing any): retraining with the recent-plus-earlier policy learns from its rows too.");
        upload.Arguments.Add(model);
        upload.Arguments.Add(file);
        upload.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var records = run.Parsed.GetValue(file)!;
            Write(run.Terminal, await run.Client.PutFilePartAsync($"{ModelPath(run.Parsed.GetValue(model)!)}/training-dataset", "dataset", records, cancellationToken));
            return 0;
        }));
        return upload;
    }

    private static Command Show(SharedOptions shared)
    {
        var model = ModelArgument();
        var show = new Command("show", "The model's uploaded training dataset: file, format, rows and labelled rows, checksum, when.");
        show.Arguments.Add(model);
        show.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            Write(run.Terminal, await run.Client.GetAsync($"{ModelPath(run.Parsed.GetValue(model)!)}/training-dataset", cancellationToken));
            return 0;
        }));
        return show;
    }

    private static Command Delete(SharedOptions shared)
    {
        var model = ModelArgument();
        var delete = new Command("delete", "Deletes the model's uploaded training dataset; retraining no longer uses it.");
        delete.Arguments.Add(model);
        delete.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            await run.Client.DeleteAsync($"{ModelPath(run.Parsed.GetValue(model)!)}/training-dataset", cancellationToken);
            if (!run.Terminal.Json)
                run.Terminal.WriteLine($"The training dataset of {run.Parsed.GetValue(model)} is deleted.");
            return 0;
        }));
        return delete;
    }

    private static void Write(Terminal terminal, JsonElement dataset)
    {
        if (terminal.Json)
        {
            terminal.WriteJson(dataset);
            return;
        }

        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(Cell("Model"), Cell(Text(dataset, "model")));
        grid.AddRow(Cell("File"), Cell($"{Text(dataset, "fileName")} ({Text(dataset, "format")}, {Text(dataset, "sizeBytes")} bytes)"));
        grid.AddRow(Cell("Rows"), Cell($"{Text(dataset, "rows")}, {Text(dataset, "labelledRows")} with a label ({Text(dataset, "labelField")})"));
        grid.AddRow(Cell("Checked with"), Cell($"version {Text(dataset, "checkedWithVersion")}"));
        grid.AddRow(Cell("Uploaded"), Cell(Text(dataset, "uploadedAt")));
        grid.AddRow(Cell("SHA-256"), Cell(Text(dataset, "sha256")));
        terminal.Write(grid);
    }

    private static Argument<string> ModelArgument() => new("MODEL") { Description = "The model's name, e.g. flight-delay." };

    private static string ModelPath(string model) => $"/api/v1/models/{Uri.EscapeDataString(model)}";
}
