using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlp.Connection;
using Spectre.Console;
using Spectre.Console.Rendering;
using static Mlp.Commands.ModelsCommands;

namespace Mlp.Commands;

/// <summary>
/// <c>mlp rollouts start | list | status | watch | pause | resume | promote | rollback</c>: a registered version rolled
/// out against the champion (single, shadow, ab, canary, bandit), followed live, and ended by hand. <c>watch</c> exits
/// 0 when the rollout is promoted and 3 when it is rolled back, so a pipeline can gate on it.
/// </summary>
public static class RolloutsCommands
{
    /// <summary>The exit code of <c>watch</c> when the rollout ends rolled back.</summary>
    public const int RolledBack = 3;

    private static readonly string[] Strategies = ["single", "shadow", "ab", "canary", "bandit"];

    /// <summary>The <c>rollouts</c> command and its subcommands.</summary>
    public static Command Create(SharedOptions shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var rollouts = new Command("rollouts", "Roll a version out against the champion, follow it live, promote or roll it back.");
        rollouts.Subcommands.Add(Start(shared));
        rollouts.Subcommands.Add(List(shared));
        rollouts.Subcommands.Add(Status(shared));
        rollouts.Subcommands.Add(Watch(shared));
        foreach (var (action, description) in new[]
        {
            ("pause", "Holds a running rollout where it is (its shares stay; a canary does not step)."),
            ("resume", "Lets a paused rollout move on."),
            ("promote", "Makes the challenger the champion now."),
            ("rollback", "Gives the champion all traffic back now."),
        })
            rollouts.Subcommands.Add(Act(shared, action, description));
        return rollouts;
    }

    private static Command Start(SharedOptions shared)
    {
        var model = ModelArgument();
        var version = new Argument<string>("VERSION") { Description = "The registered version to roll out (the challenger)." };
        var strategy = new Option<string>("--strategy")
        {
            Description = "single (all traffic at once), shadow (scored beside the champion, never answered), ab (a fixed share), canary (growing steps, judged on live numbers), bandit (Thompson sampling on outcomes).",
            Required = true,
        }.AcceptOnlyFromAmong(Strategies);
        var share = new Option<double?>("--share") { Description = "shadow, ab: the challenger's share of requests, in (0, 1]." };
        var steps = new Option<string?>("--steps") { Description = "canary: the challenger's shares step by step, increasing and ending at 1, e.g. 0.05,0.25,0.5,1." };
        var start = new Command("start", "Starts rolling VERSION of MODEL out; the version becomes the challenger.");
        start.Arguments.Add(model);
        start.Arguments.Add(version);
        start.Options.Add(strategy);
        start.Options.Add(share);
        start.Options.Add(steps);
        start.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var body = new JsonObject { ["version"] = run.Parsed.GetValue(version), ["strategy"] = run.Parsed.GetValue(strategy) };
            if (run.Parsed.GetValue(share) is { } asked)
                body["share"] = asked;
            if (run.Parsed.GetValue(steps) is { } list)
                body["steps"] = new JsonArray([.. ParseSteps(list).Select(step => (JsonNode)step)]);
            var answer = await run.Client.PostJsonAsync(RolloutsPath(run.Parsed.GetValue(model)!), body.ToJsonString(), cancellationToken);
            Write(run.Terminal, answer);
            return 0;
        }));
        return start;
    }

    private static Command List(SharedOptions shared)
    {
        var model = ModelArgument();
        var list = new Command("list", "The model's rollouts, newest first.");
        list.Arguments.Add(model);
        list.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var answer = await run.Client.GetAsync(RolloutsPath(run.Parsed.GetValue(model)!), cancellationToken);
            if (run.Terminal.Json)
            {
                run.Terminal.WriteJson(answer);
                return 0;
            }

            var table = new Table().AddColumns("Rollout", "Strategy", "State", "Champion", "Challenger", "Share", "Started", "Ended");
            foreach (var rollout in answer.GetProperty("rollouts").EnumerateArray())
            {
                table.AddRow(
                    Cell(Text(rollout, "rolloutId")), Cell(Text(rollout, "strategy")), Cell(Text(rollout, "state")), Cell(Text(rollout, "championVersion")),
                    Cell(Text(rollout, "challengerVersion")), Cell(Share(rollout.GetProperty("challengerShare"))), Cell(Text(rollout, "startedAt")), Cell(Text(rollout, "endedAt")));
            }

            run.Terminal.Write(table);
            return 0;
        }));
        return list;
    }

    private static Command Status(SharedOptions shared)
    {
        var (model, id) = (ModelArgument(), IdArgument());
        var status = new Command("status", "A rollout (by default the running or paused one): shares, both versions' live numbers, the canary's verdicts.");
        status.Arguments.Add(model);
        status.Arguments.Add(id);
        status.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            Write(run.Terminal, await run.Client.GetAsync(RolloutPath(run.Parsed.GetValue(model)!, run.Parsed.GetValue(id)), cancellationToken));
            return 0;
        }));
        return status;
    }

    private static Command Watch(SharedOptions shared)
    {
        var (model, id) = (ModelArgument(), IdArgument());
        var interval = new Option<double>("--interval")
        {
            Description = "Seconds between two looks.",
            DefaultValueFactory = _ => 2,
        };
        interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (>= 0.1 and <= 3600))
                result.AddError("--interval must be between 0.1 and 3600 seconds.");
        });
        var watch = new Command("watch", $"Follows a rollout (by default the running or paused one) until it ends: on a terminal a live view, else each event as a line. Exits 0 when promoted, {RolledBack} when rolled back.");
        watch.Arguments.Add(model);
        watch.Arguments.Add(id);
        watch.Options.Add(interval);
        watch.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var name = run.Parsed.GetValue(model)!;
            var every = TimeSpan.FromSeconds(run.Parsed.GetValue(interval));
            // The id is fixed at the first look, so a rollout started after this one ended is not followed by mistake.
            var rollout = await run.Client.GetAsync(RolloutPath(name, run.Parsed.GetValue(id)), cancellationToken);
            var path = RolloutPath(name, Text(rollout, "rolloutId"));
            if (run.Terminal.Interactive && !run.Terminal.Json)
            {
                await run.Terminal.Console.Live(View(rollout)).StartAsync(async live =>
                {
                    while (!Ended(rollout))
                    {
                        await Task.Delay(every, cancellationToken);
                        rollout = await run.Client.GetAsync(path, cancellationToken);
                        live.UpdateTarget(View(rollout));
                    }
                });
            }
            else
            {
                var shown = 0;
                while (true)
                {
                    var history = rollout.GetProperty("history").EnumerateArray().ToList();
                    if (!run.Terminal.Json)
                    {
                        foreach (var entry in history.Skip(shown))
                            run.Terminal.WriteLine($"{Text(entry, "at")}  {Text(entry, "event"),-11} {Share(entry.GetProperty("share")),6}  {Text(entry, "reason")}");
                    }

                    shown = history.Count;
                    if (Ended(rollout))
                        break;
                    await Task.Delay(every, cancellationToken);
                    rollout = await run.Client.GetAsync(path, cancellationToken);
                }

                if (run.Terminal.Json)
                    run.Terminal.WriteJson(rollout);
                else
                    run.Terminal.WriteLine($"Rollout {Text(rollout, "rolloutId")} {Text(rollout, "state")}: champion {Champion(rollout)}.");
            }

            return Text(rollout, "state") == "rolled-back" ? RolledBack : 0;
        }));
        return watch;
    }

    private static Command Act(SharedOptions shared, string action, string description)
    {
        var (model, id) = (ModelArgument(), IdArgument());
        var reason = new Option<string?>("--reason") { Description = "Why, kept in the rollout's history (at most 500 characters)." };
        var command = new Command(action, description + " By default the model's running or paused rollout.");
        command.Arguments.Add(model);
        command.Arguments.Add(id);
        command.Options.Add(reason);
        command.SetAction(shared.Run(async (run, cancellationToken) =>
        {
            var name = run.Parsed.GetValue(model)!;
            var rolloutId = run.Parsed.GetValue(id) ?? Text(await run.Client.GetAsync(RolloutPath(name, null), cancellationToken), "rolloutId");
            var body = new JsonObject();
            if (run.Parsed.GetValue(reason) is { } given)
                body["reason"] = given;
            Write(run.Terminal, await run.Client.PostJsonAsync($"{RolloutPath(name, rolloutId)}/{action}", body.ToJsonString(), cancellationToken));
            return 0;
        }));
        return command;
    }

    private static void Write(Terminal terminal, JsonElement rollout)
    {
        if (terminal.Json)
            terminal.WriteJson(rollout);
        else
            terminal.Write(View(rollout));
    }

    // The summary, both versions' live numbers, a bandit's arms and the latest events.
    private static Rows View(JsonElement rollout)
    {
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow(Cell("Rollout"), Cell(Text(rollout, "rolloutId")));
        summary.AddRow(Cell("Model"), Cell(Text(rollout, "model")));
        summary.AddRow(Cell("Strategy"), Cell(Text(rollout, "strategy")));
        summary.AddRow(Cell("State"), Cell(Text(rollout, "state")));
        summary.AddRow(Cell("Champion"), Cell(Text(rollout, "championVersion")));
        summary.AddRow(Cell("Challenger"), Cell($"{Text(rollout, "challengerVersion")}, share {Share(rollout.GetProperty("challengerShare"))}"));
        if (rollout.TryGetProperty("step", out var step) && step.ValueKind == JsonValueKind.Object)
            summary.AddRow(Cell("Step"), Cell($"{Text(step, "index")} of {Text(step, "of")} ({Share(step.GetProperty("share"))}), since {Text(step, "startedAt")}"));
        summary.AddRow(Cell("Started"), Cell($"{Text(rollout, "startedAt")} by {Text(rollout, "startedBy")}"));
        if (Text(rollout, "endedAt") is { Length: > 0 } ended)
            summary.AddRow(Cell("Ended"), Cell(ended));

        var live = new Table().AddColumns("Version", "Role", "Requests", "Errors", "Error rate", "p95 ms", "Outcomes", "Accuracy", "AUC", "RMSE");
        foreach (var role in new[] { "champion", "challenger" })
        {
            var numbers = rollout.GetProperty("live").GetProperty(role);
            live.AddRow(
                Cell(Text(rollout, role + "Version")), Cell(role), Cell(Text(numbers, "requests")), Cell(Text(numbers, "errors")), Cell(Number(numbers, "errorRate")),
                Cell(Number(numbers, "latencyP95Ms")), Cell(Text(numbers, "outcomes")), Cell(Number(numbers, "accuracy")), Cell(Number(numbers, "auc")), Cell(Number(numbers, "rmse")));
        }

        var parts = new List<IRenderable> { summary, live };
        if (rollout.GetProperty("arms").GetArrayLength() > 0)
        {
            var arms = new Table().AddColumns("Arm", "Successes", "Failures");
            foreach (var arm in rollout.GetProperty("arms").EnumerateArray())
                arms.AddRow(Cell(Text(arm, "version")), Cell(Text(arm, "successes")), Cell(Text(arm, "failures")));
            parts.Add(arms);
        }

        var history = new Table().AddColumns("At", "Event", "Share", "Why");
        foreach (var entry in rollout.GetProperty("history").EnumerateArray().TakeLast(10))
            history.AddRow(Cell(Text(entry, "at")), Cell(Text(entry, "event")), Cell(Share(entry.GetProperty("share"))), Cell(Text(entry, "reason")));
        parts.Add(history);
        return new Rows(parts);
    }

    private static List<double> ParseSteps(string text)
    {
        var steps = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var step))
                throw new MlpException($"--steps: '{part}' is not a number; give the shares as e.g. 0.05,0.25,0.5,1.");
            steps.Add(step);
        }

        return steps;
    }

    private static bool Ended(JsonElement rollout) => Text(rollout, "state") is "promoted" or "rolled-back";

    private static string Champion(JsonElement rollout) =>
        Text(rollout, "state") == "promoted" ? $"version {Text(rollout, "challengerVersion")}" : $"version {Text(rollout, "championVersion")}";

    private static string Share(JsonElement share) =>
        share.ValueKind == JsonValueKind.Number ? (share.GetDouble() * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "";

    private static string Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("0.###", CultureInfo.InvariantCulture) : "";

    private static Argument<string> ModelArgument() => new("MODEL") { Description = "The model's name, e.g. flight-delay." };

    private static Argument<string?> IdArgument() => new("ROLLOUT_ID")
    {
        Description = "The rollout's id (mlp rollouts list shows them); default: the model's running or paused rollout.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static string RolloutsPath(string model) => $"/api/v1/models/{Uri.EscapeDataString(model)}/rollouts";

    private static string RolloutPath(string model, string? id) => $"{RolloutsPath(model)}/{(id is null ? "active" : Uri.EscapeDataString(id))}";
}
