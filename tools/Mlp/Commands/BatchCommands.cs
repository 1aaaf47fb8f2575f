using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Mlp.Connection;
using Spectre.Console;

namespace Mlp.Commands;

/// <summary>
/// <c>mlp batch submit | status | list | results | errors | cancel</c>: a file of records scored asynchronously, followed with a
/// progress bar (rows, rate, time left) and its results downloaded at the end.
/// </summary>
public static class BatchCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The <c>batch</c> command and its subcommands.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var batch = new Command("batch", "Batch predictions: submit a file of records, follow it, download its results, cancel it.");
        batch.Subcommands.Add(Submit(shared));
        batch.Subcommands.Add(Status(shared));
        batch.Subcommands.Add(List(shared));
        batch.Subcommands.Add(Results(shared));
        batch.Subcommands.Add(Errors(shared));
        batch.Subcommands.Add(Cancel(shared));
        return batch;
    }

    private static Command Submit(SharedOptions shared)
    {
        var model = ModelArgument();
        var file = new Argument<string>("FILE") { Description = "The records: a .csv, .jsonl or .parquet file (uploaded)." };
        var wait = new Option<bool>("--wait") { Description = "Follow the batch until it ends, with a progress bar on a terminal; exit 1 if it fails." };
        var results = new Option<string?>("--results") { Description = "With --wait: where to write the results once the batch has completed." };
        var format = FormatOption();
        var submit = new Command("submit", "Submits a file of records as a batch of MODEL: the batch's id and state, or with --wait its end.");
        submit.Arguments.Add(model);
        submit.Arguments.Add(file);
        submit.Options.Add(wait);
        submit.Options.Add(results);
        submit.Options.Add(format);
        submit.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var (name, input) = (run.Parsed.GetValue(model)!, run.Parsed.GetValue(file)!);
            if (run.Parsed.GetValue(results) is not null && !run.Parsed.GetValue(wait))
                throw new MlpException("--results needs --wait (a batch's results exist once it has completed).");
            var status = await run.Client.PostFileAsync(BatchesPath(name), input, RecordFiles.MediaTypeOf(input), cancellationToken);
            if (run.Parsed.GetValue(wait))
                status = await FollowAsync(run, name, Text(status, "id"), cancellationToken);
            if (run.Terminal.Json)
                run.Terminal.WriteJson(status);
            else
                WriteStatus(run.Terminal, status);
            if (Text(status, "state") == "failed")
                throw new MlpException($"The batch {Text(status, "id")} failed: {Text(status, "error")}");
            if (run.Parsed.GetValue(results) is { } target)
                await DownloadResultsAsync(run, name, Text(status, "id"), target, run.Parsed.GetValue(format)!, cancellationToken);
            return 0;
        }));
        return submit;
    }

    private static Command Status(SharedOptions shared)
    {
        var (model, id) = (ModelArgument(), IdArgument());
        var status = new Command("status", "A batch's state, rows read, scored and invalid, rate and time left.");
        status.Arguments.Add(model);
        status.Arguments.Add(id);
        status.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync(BatchPath(run.Parsed.GetValue(model)!, run.Parsed.GetValue(id)!), cancellationToken);
            if (run.Terminal.Json)
                run.Terminal.WriteJson(answer);
            else
                WriteStatus(run.Terminal, answer);
            return 0;
        }));
        return status;
    }

    private static Command List(SharedOptions shared)
    {
        var model = ModelArgument();
        var list = new Command("list", "The model's batches, newest first.");
        list.Arguments.Add(model);
        list.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync(BatchesPath(run.Parsed.GetValue(model)!), cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var table = new Table().AddColumns("Batch", "State", "Version", "Scored", "Invalid", "Total", "Submitted");
            var batches = answer.ValueKind == JsonValueKind.Array ? answer : answer.GetProperty("batches");
            foreach (var batch in batches.EnumerateArray())
            {
                var rows = batch.GetProperty("rows");
                table.AddRow(
                    ModelsCommands.Cell(Text(batch, "id")), ModelsCommands.Cell(Text(batch, "state")), ModelsCommands.Cell(Text(batch, "modelVersion")),
                    ModelsCommands.Cell(Text(rows, "scored")), ModelsCommands.Cell(Text(rows, "invalid")), ModelsCommands.Cell(Text(rows, "total")),
                    ModelsCommands.Cell(Text(batch, "submittedAt")));
            }

            run.Terminal.Write(table);
            return 0;
        }));
        return list;
    }

    private static Command Results(SharedOptions shared)
    {
        var (model, id) = (ModelArgument(), IdArgument());
        var to = new Option<string>("--to") { Description = "Where to write the results.", Required = true };
        var format = FormatOption();
        var results = new Command("results", "Downloads a completed batch's results, in input order.");
        results.Arguments.Add(model);
        results.Arguments.Add(id);
        results.Options.Add(to);
        results.Options.Add(format);
        results.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            await DownloadResultsAsync(run, run.Parsed.GetValue(model)!, run.Parsed.GetValue(id)!, run.Parsed.GetValue(to)!, run.Parsed.GetValue(format)!, cancellationToken);
            return 0;
        }));
        return results;
    }

    private static Command Errors(SharedOptions shared)
    {
        var (model, id) = (ModelArgument(), IdArgument());
        var to = new Option<string>("--to") { Description = "Where to write the invalid rows.", Required = true };
        var format = new Option<string>("--format")
        {
            Description = "jsonl (one row with its field errors per line) or csv.",
            DefaultValueFactory = _ => "jsonl",
        }.AcceptOnlyFromAmong("jsonl", "csv");
        var errors = new Command("errors", "Downloads a batch's invalid rows with their field errors, in input order.");
        errors.Arguments.Add(model);
        errors.Arguments.Add(id);
        errors.Options.Add(to);
        errors.Options.Add(format);
        errors.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var (name, batchId, file) = (run.Parsed.GetValue(model)!, run.Parsed.GetValue(id)!, run.Parsed.GetValue(to)!);
            var bytes = await run.Client.DownloadAsync($"{BatchPath(name, batchId)}/errors?format={run.Parsed.GetValue(format)}", file, cancellationToken);
            if (!run.Terminal.Json)
                run.Terminal.WriteLine($"Saved the invalid rows of batch {batchId} to {file} ({bytes:N0} bytes)");
            return 0;
        }));
        return errors;
    }

    private static Command Cancel(SharedOptions shared)
    {
        var (model, id) = (ModelArgument(), IdArgument());
        var cancel = new Command("cancel", "Cancels a batch and deletes it with its results.");
        cancel.Arguments.Add(model);
        cancel.Arguments.Add(id);
        cancel.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            await run.Client.DeleteAsync(BatchPath(run.Parsed.GetValue(model)!, run.Parsed.GetValue(id)!), cancellationToken);
            if (!run.Terminal.Json)
                run.Terminal.WriteLine($"Batch {run.Parsed.GetValue(id)} cancelled and deleted.");
            return 0;
        }));
        return cancel;
    }

    // Polls the batch until it ends; on a terminal, a progress bar of scored rows against the total (or the estimate).
    private static async Task<JsonElement> FollowAsync(CommandRun run, string model, string id, CancellationToken cancellationToken)
    {
        var path = BatchPath(model, id);
        if (!run.Terminal.Interactive || run.Terminal.Json)
        {
            while (true)
            {
                var status = await run.Client.GetAsync(path, cancellationToken);
                if (Ended(status))
                    return status;
                await Task.Delay(PollInterval, cancellationToken);
            }
        }

        JsonElement last = default;
        await run.Terminal.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"batch {id}", maxValue: 1);
                while (true)
                {
                    last = await run.Client.GetAsync(path, cancellationToken);
                    var rows = last.GetProperty("rows");
                    var total = Number(rows, "total");
                    task.MaxValue = Math.Max(1, total);
                    task.Value = Number(rows, "scored") + Number(rows, "invalid");
                    task.Description = $"{Text(last, "state")}: {Number(rows, "scored"):N0} rows, {Number(last, "rowsPerSecond"):N0}/s";
                    if (Ended(last))
                    {
                        task.Value = task.MaxValue;
                        return;
                    }

                    await Task.Delay(PollInterval, cancellationToken);
                }
            });
        return last;
    }

    private static async Task DownloadResultsAsync(CommandRun run, string model, string id, string file, string format, CancellationToken cancellationToken)
    {
        var bytes = await run.Client.DownloadAsync($"{BatchPath(model, id)}/results?format={format}", file, cancellationToken);
        if (!run.Terminal.Json)
            run.Terminal.WriteLine($"Saved the results of batch {id} to {file} ({bytes:N0} bytes, {format})");
    }

    private static void WriteStatus(Terminal terminal, JsonElement status)
    {
        var rows = status.GetProperty("rows");
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string label, string value)
        {
            if (value.Length > 0)
                grid.AddRow(ModelsCommands.Cell(label), ModelsCommands.Cell(value));
        }

        Row("Batch", Text(status, "id"));
        Row("State", Text(status, "state"));
        Row("Model", $"{Text(status, "modelName")} version {Text(status, "modelVersion")}");
        Row("Rows", $"{Text(rows, "scored")} scored, {Text(rows, "invalid")} invalid, {Text(rows, "read")} read of {Text(rows, "total")}");
        Row("Rate", Number(status, "rowsPerSecond") > 0 ? $"{Number(status, "rowsPerSecond"):N0} rows/s" : "");
        Row("Error", Text(status, "error"));
        terminal.Write(grid);
    }

    private static bool Ended(JsonElement status) => Text(status, "state") is "completed" or "failed";

    private static Option<string> FormatOption() => new Option<string>("--format")
    {
        Description = "The results' format: csv, jsonl or parquet.",
        DefaultValueFactory = _ => "csv",
    }.AcceptOnlyFromAmong("csv", "jsonl", "parquet");

    private static Argument<string> ModelArgument() => new("MODEL") { Description = "The model's name, e.g. flight-delay." };

    private static Argument<string> IdArgument() => new("ID") { Description = "The batch's id (mlp batch list shows them)." };

    private static string BatchesPath(string model) => $"/api/v1/models/{Uri.EscapeDataString(model)}/batches";

    private static string BatchPath(string model, string id) => $"{BatchesPath(model)}/{Uri.EscapeDataString(id)}";

    private static string Text(JsonElement element, string name) => ModelsCommands.Text(element, name);

    private static double Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
}
