using System.CommandLine;
using System.Text.Json;
using Mlp.Feedback;
using Spectre.Console;
using static Mlp.Commands.ModelsCommands;

namespace Mlp.Commands;

/// <summary>
/// <c>mlp feedback send FILE | show OUTCOME_ID | stats</c>: ground truth from a file of outcomes (CSV or JSON Lines), sent
/// with a progress bar and summed up as joined, pending and duplicate; one outcome's join; the counts per model and source.
/// </summary>
public static class FeedbackCommands
{
    /// <summary>The <c>feedback</c> command and its subcommands.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var feedback = new Command("feedback", "Ground truth: send a file of outcomes, see how one was joined, the counts.");
        feedback.Subcommands.Add(Send(shared));
        feedback.Subcommands.Add(Show(shared));
        feedback.Subcommands.Add(Stats(shared));
        return feedback;
    }

    private static Command Send(SharedOptions shared)
    {
        var file = new Argument<string>("FILE")
        {
            Description = "The outcomes: a .csv whose header names the outcome's members (outcomeId, predictionId, model, entityKey, value, label, observedAt), or a .jsonl of outcome objects (docs/feedback.md).",
        };
        var model = new Option<string?>("--model") { Description = "The model of outcomes that name an entityKey and no model." };
        var chunk = new Option<int>("--chunk")
        {
            Description = "Outcomes per request (at most the platform's Feedback:MaxOutcomesPerRequest, 10,000 by default).",
            DefaultValueFactory = _ => 1000,
        };
        chunk.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 10_000)
                result.AddError("--chunk must be between 1 and 10000.");
        });
        var send = new Command("send", "Sends a file of outcomes in order, with a progress bar on a terminal, and sums up how they were joined. A refused request stops the send, naming each refused line and field.");
        send.Arguments.Add(file);
        send.Options.Add(model);
        send.Options.Add(chunk);
        send.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var path = run.Parsed.GetValue(file)!;
            using var outcomes = OutcomeFile.Open(path, run.Parsed.GetValue(model));
            var size = run.Parsed.GetValue(chunk);
            FeedbackSummary summary;
            if (run.Terminal.Interactive && !run.Terminal.Json)
            {
                summary = new FeedbackSummary(0, 0, 0, 0);
                await run.Terminal.Console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask(Path.GetFileName(path), maxValue: Math.Max(1, outcomes.Length));
                        summary = await OutcomeSender.SendAsync(run.Client, outcomes, path, size, sent =>
                        {
                            task.Value = outcomes.Position;
                            task.Description = $"{Path.GetFileName(path)}: {sent.Sent:N0} sent";
                        }, cancellationToken);
                        task.Value = task.MaxValue;
                    });
            }
            else
            {
                summary = await OutcomeSender.SendAsync(run.Client, outcomes, path, size, _ => { }, cancellationToken);
            }

            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(JsonSerializer.SerializeToElement(new
                {
                    file = path, sent = summary.Sent, joined = summary.Joined, pending = summary.Pending, duplicate = summary.Duplicate,
                }));
                return 0;
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow(Cell("Sent"), Cell($"{summary.Sent:N0} outcomes from {path}"));
            grid.AddRow(Cell("Joined"), Cell($"{summary.Joined:N0} (to their predictions)"));
            grid.AddRow(Cell("Pending"), Cell($"{summary.Pending:N0} (their predictions are not seen yet: joined when they come)"));
            grid.AddRow(Cell("Duplicates"), Cell($"{summary.Duplicate:N0} (outcomes the platform had: counted once)"));
            run.Terminal.Write(grid);
            return 0;
        }));
        return send;
    }

    private static Command Show(SharedOptions shared)
    {
        var id = new Argument<string>("OUTCOME_ID") { Description = "The outcome's id (yours, or the one its receipt named)." };
        var show = new Command("show", "One outcome: its status, the predictions it was joined to, what was observed and who reported it.");
        show.Arguments.Add(id);
        show.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync($"/api/v1/feedback/{Uri.EscapeDataString(run.Parsed.GetValue(id)!)}", cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var grid = new Grid().AddColumn().AddColumn();
            foreach (var (label, member) in new[]
            {
                ("Outcome", "outcomeId"), ("Status", "status"), ("Model", "model"), ("Entity", "entityKey"), ("Value", "value"), ("Label", "label"),
                ("Observed", "observedAt"), ("Received", "receivedAt"), ("Joined", "joinedAt"), ("Duplicates", "duplicates"), ("Reported by", "reportedBy"),
            })
            {
                if (Text(answer, member) is { Length: > 0 } value)
                    grid.AddRow(Cell(label), Cell(value));
            }

            if (answer.TryGetProperty("joins", out var joins) && joins.GetArrayLength() > 0)
                grid.AddRow(Cell("Predictions"), Cell(string.Join(Environment.NewLine, joins.EnumerateArray().Select(join => $"{Text(join, "predictionId")} (version {Text(join, "modelVersion")})"))));
            run.Terminal.Write(grid);
            return 0;
        }));
        return show;
    }

    private static Command Stats(SharedOptions shared)
    {
        var stats = new Command("stats", "Outcomes received, joined, pending, orphaned and duplicated, per model and per source.");
        stats.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync("/api/v1/feedback/stats", cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var table = new Table().AddColumns("Model", "Reported by", "Received", "Joined", "Pending", "Orphaned", "Duplicates");
            void Row(string model, string source, JsonElement counts) => table.AddRow(
                Cell(model), Cell(source), Cell(Text(counts, "received")),
                Cell(Text(counts, "joined")), Cell(Text(counts, "pending")), Cell(Text(counts, "orphaned")), Cell(Text(counts, "duplicates")));
            Row("(all)", "(all)", answer);
            foreach (var model in answer.GetProperty("models").EnumerateArray())
            {
                Row(Text(model, "model"), "(all)", model);
                // The entry without a source counts outcomes stored before sources were kept.
                foreach (var reporter in model.GetProperty("reporters").EnumerateArray())
                    Row(Text(model, "model"), Text(reporter, "reportedBy") is { Length: > 0 } source ? source : "(not recorded)", reporter);
            }

            run.Terminal.Write(table);
            return 0;
        }));
        return stats;
    }
}
