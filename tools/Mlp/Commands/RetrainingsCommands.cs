using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlp.Connection;
using Spectre.Console;
using static Mlp.Commands.ModelsCommands;

namespace Mlp.Commands;

/// <summary>
/// <c>mlp retrainings start | list | show</c>: a model retrained on its joined outcomes by hand (drift, performance and
/// schedules start jobs on their own), the jobs, and one job's data, evaluation and decision.
/// </summary>
public static class RetrainingsCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly string[] Metrics = ["auc", "accuracy", "logLoss", "macroF1", "rmse", "mae", "rSquared"];

    /// <summary>The <c>retrainings</c> command and its subcommands.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var retrainings = new Command("retrainings", "Retraining jobs: start one by hand, list them, show one's data, evaluation and decision.");
        retrainings.Subcommands.Add(Start(shared));
        retrainings.Subcommands.Add(List(shared));
        retrainings.Subcommands.Add(Show(shared));
        return retrainings;
    }

    private static Command Start(SharedOptions shared)
    {
        var model = ModelArgument();
        var reason = new Option<string?>("--reason") { Description = "Why, kept with the job (at most 500 characters)." };
        var wait = new Option<bool>("--wait") { Description = "Follow the job until it ends; exit 1 if it fails or is skipped." };
        var start = new Command("start", "Retrains MODEL now on its joined outcomes: the challenger is evaluated against the champion and, if it wins, rolled out.");
        start.Arguments.Add(model);
        start.Options.Add(reason);
        start.Options.Add(wait);
        start.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var name = run.Parsed.GetValue(model)!;
            var body = new JsonObject();
            if (run.Parsed.GetValue(reason) is { } given)
                body["reason"] = given;
            var accepted = await run.Client.PostJsonAsync(JobsPath(name), body.ToJsonString(), cancellationToken);
            if (!run.Parsed.GetValue(wait))
            {
                if (run.Terminal.Json)
                    run.Terminal.WriteJson(accepted);
                else if (Text(accepted, "state") == "skipped")
                    run.Terminal.WriteLine($"Skipped: job {Text(accepted, "skippedBecause")} of {name} is running (the trigger is recorded as job {Text(accepted, "jobId")}).");
                else
                    run.Terminal.WriteLine($"Job {Text(accepted, "jobId")} started (mlp retrainings show {name} {Text(accepted, "jobId")}).");
                return 0;
            }

            var path = $"{JobsPath(name)}/{Uri.EscapeDataString(Text(accepted, "jobId"))}";
            var job = await run.Client.GetAsync(path, cancellationToken);
            while (Text(job, "state") == "running")
            {
                await Task.Delay(PollInterval, cancellationToken);
                job = await run.Client.GetAsync(path, cancellationToken);
            }

            Write(run.Terminal, job);
            return Text(job, "state") switch
            {
                "failed" => throw new MlpException($"The retraining job {Text(job, "jobId")} failed: {Text(job, "error")}"),
                "skipped" => throw new MlpException($"The retraining job {Text(job, "jobId")} was skipped: job {Text(job, "skippedBecause")} of {name} was running."),
                _ => 0,
            };
        }));
        return start;
    }

    private static Command List(SharedOptions shared)
    {
        var model = ModelArgument();
        var list = new Command("list", "The model's retraining jobs, newest first.");
        list.Arguments.Add(model);
        list.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync(JobsPath(run.Parsed.GetValue(model)!), cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var table = new Table().AddColumns("Job", "Trigger", "State", "Decision", "Champion", "Challenger", "Requested");
            foreach (var job in answer.GetProperty("jobs").EnumerateArray())
            {
                table.AddRow(
                    Cell(Text(job, "jobId")), Cell(Text(job, "trigger")), Cell(Text(job, "state")), Cell(Decision(job)),
                    Cell(Text(job, "championVersion")), Cell(Text(job, "challengerVersion")), Cell(Text(job, "requestedAt")));
            }

            run.Terminal.Write(table);
            return 0;
        }));
        return list;
    }

    private static Command Show(SharedOptions shared)
    {
        var model = ModelArgument();
        var id = new Argument<string>("JOB_ID") { Description = "The job's id (mlp retrainings list shows them)." };
        var show = new Command("show", "One retraining job: its trigger, data, both versions' hold-out numbers and the decision.");
        show.Arguments.Add(model);
        show.Arguments.Add(id);
        show.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            Write(run.Terminal, await run.Client.GetAsync($"{JobsPath(run.Parsed.GetValue(model)!)}/{Uri.EscapeDataString(run.Parsed.GetValue(id)!)}", cancellationToken));
            return 0;
        }));
        return show;
    }

    private static void Write(Terminal terminal, JsonElement job)
    {
        if (terminal.Json)
        {
            terminal.WriteJson(job);
            return;
        }

        var grid = new Grid().AddColumn().AddColumn();
        void Row(string label, string value)
        {
            if (value.Length > 0)
                grid.AddRow(Cell(label), Cell(value));
        }

        Row("Job", Text(job, "jobId"));
        Row("Model", Text(job, "model"));
        Row("Trigger", $"{Text(job, "trigger")}: {Text(job, "triggerDetails")}".TrimEnd(' ', ':'));
        Row("State", Text(job, "state"));
        Row("Requested", Text(job, "requestedAt"));
        Row("Finished", Text(job, "finishedAt"));
        if (job.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
            Row("Data", $"{Text(data, "policy")}: {Text(data, "trainingRows")} training rows, {Text(data, "holdoutRows")} hold-out rows, from {Text(data, "recentFrom")} to {Text(data, "recentTo")}");
        Row("Decision", Decision(job));
        if (job.TryGetProperty("evaluation", out var evaluation) && evaluation.ValueKind == JsonValueKind.Object)
            Row("Why", Text(evaluation, "reason"));
        Row("Rollout", Text(job, "rolloutId"));
        Row("Error", Text(job, "error"));
        terminal.Write(grid);

        if (evaluation.ValueKind != JsonValueKind.Object)
            return;
        // Each version's hold-out numbers: the metrics of the model's task, whichever the answer has.
        var metrics = Metrics
            .Where(metric => evaluation.GetProperty("champion").TryGetProperty(metric, out _) || evaluation.GetProperty("challenger").TryGetProperty(metric, out _))
            .ToList();
        var table = new Table().AddColumns(["Version", "Role", .. metrics, "Rows"]);
        foreach (var role in new[] { "champion", "challenger" })
        {
            var numbers = evaluation.GetProperty(role);
            table.AddRow([Cell(Text(numbers, "version")), Cell(role), .. metrics.Select(metric => Cell(Number(numbers, metric))), Cell(Text(numbers, "rows"))]);
        }

        terminal.Write(table);
    }

    private static string Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble().ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)
            : "";

    private static string Decision(JsonElement job) =>
        job.TryGetProperty("evaluation", out var evaluation) && evaluation.ValueKind == JsonValueKind.Object ? Text(evaluation, "decision") : "";

    private static Argument<string> ModelArgument() => new("MODEL") { Description = "The model's name, e.g. flight-delay." };

    private static string JobsPath(string model) => $"/api/v1/models/{Uri.EscapeDataString(model)}/retrainings";
}
