using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Cli;

/// <summary>
/// <c>mlp</c> for the rest of the loop, against the embedded host: outcomes sent from files and joined, rollouts started,
/// followed and ended, a retraining run by hand, the monitoring view and its exit code for a firing rule, keys, and the
/// shell's completion. Each test works on a model of its own (the test model registered under another name).
/// </summary>
[Collection(MlpHost.Collection)]
public sealed class MlpLoopTests(MlpHost platform)
{
    [Fact]
    public async Task Outcomes_from_CSV_and_JSON_Lines_files_are_sent_in_chunks_joined_and_counted_once()
    {
        var model = await platform.RegisterModelAsync("cli-feedback");
        var folder = NewFolder();
        try
        {
            var ids = await PredictAsync(model, folder, Enumerable.Range(0, 3).Select(i => Record(i, $"flight-{i}")));
            foreach (var id in ids)
                await Poll.GetJsonAsync(platform.Host.Client, $"/api/v1/predictions/{id}", _ => true, Deadlines.DistributedState, platform.Host.Failure);

            // By prediction id, with a column the platform does not know (left out) and one value written as a number.
            var csv = Path.Combine(folder, "outcomes.csv");
            await File.WriteAllLinesAsync(csv, ["outcomeId,predictionId,label,note", $"o-0,{ids[0]},late,first", $"o-1,{ids[1]},on-time,", $"o-2,{ids[2]},late,\"quoted, with a comma\""]);
            var sent = await platform.RunAsync("feedback", "send", csv, "--chunk", "2");
            Assert.True(sent.ExitCode == 0, sent.ToString());
            Assert.Matches(@"Sent\s+3 outcomes", sent.Output);
            Assert.Matches(@"Joined\s+3 ", sent.Output);

            // The same file again: every outcome is one the platform has.
            var again = await platform.RunAsync("feedback", "send", csv, "-o", "json");
            var summary = JsonDocument.Parse(again.Output).RootElement;
            Assert.Equal((3, 0, 3), (summary.GetProperty("sent").GetInt32(), summary.GetProperty("joined").GetInt32(), summary.GetProperty("duplicate").GetInt32()));

            // By entity key, the model from --model: flight-9 was never predicted, so it waits.
            var jsonl = Path.Combine(folder, "outcomes.jsonl");
            await File.WriteAllLinesAsync(jsonl, ["{\"outcomeId\":\"o-3\",\"entityKey\":\"flight-0\",\"value\":37}", "", "{\"outcomeId\":\"o-4\",\"entityKey\":\"flight-9\",\"label\":\"late\"}"]);
            var byEntity = await platform.RunAsync("feedback", "send", jsonl, "--model", model, "-o", "json");
            Assert.True(byEntity.ExitCode == 0, byEntity.ToString());
            var counts = JsonDocument.Parse(byEntity.Output).RootElement;
            Assert.Equal((2, 1, 1), (counts.GetProperty("sent").GetInt32(), counts.GetProperty("joined").GetInt32(), counts.GetProperty("pending").GetInt32()));

            var shown = await platform.RunAsync("feedback", "show", "o-0");
            Assert.True(shown.ExitCode == 0, shown.ToString());
            Assert.Matches(@"Status\s+joined", shown.Output);
            Assert.Contains(ids[0], shown.Output, StringComparison.Ordinal);
            var stats = await platform.RunAsync("feedback", "stats");
            var row = Assert.Single(stats.Output.Split('\n'), line => line.Contains(model, StringComparison.Ordinal) && line.Contains("(all)", StringComparison.Ordinal));
            Assert.Matches(@"│ 5\s+│ 4\s+│ 1\s+│", row);

            // A refused request stores nothing of itself, and the error names the line and field; what went before stays.
            var bad = Path.Combine(folder, "bad.csv");
            await File.WriteAllLinesAsync(bad, ["outcomeId,model,entityKey,value", $"o-5,{model},flight-1,12", $"o-6,{model},flight-2,late"]);
            var refused = await platform.RunAsync("feedback", "send", bad, "--chunk", "1");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("line 3: value: ", refused.Error, StringComparison.Ordinal);
            Assert.Contains("Accepted before it: 1 outcome(s)", refused.Error, StringComparison.Ordinal);
            Assert.Equal(0, (await platform.RunAsync("feedback", "show", "o-5")).ExitCode);
            Assert.Contains("404", (await platform.RunAsync("feedback", "show", "o-6")).Error, StringComparison.Ordinal);

            // What cannot be outcomes is said before anything is sent.
            await File.WriteAllLinesAsync(bad, ["entityKey,value", "flight-1,12"]);
            Assert.Contains("need their model: a model column, or --model", (await platform.RunAsync("feedback", "send", bad)).Error, StringComparison.Ordinal);
            await File.WriteAllLinesAsync(jsonl, ["{\"outcomeId\":\"o-7\",\"model\":\"" + model + "\",\"entityKey\":\"flight-1\",\"value\":1}", "not json"]);
            var broken = await platform.RunAsync("feedback", "send", jsonl);
            Assert.Contains("line 2: not JSON", broken.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_rollout_is_started_followed_paused_rolled_back_and_another_promoted()
    {
        var model = await platform.RegisterModelAsync("cli-rollout", versions: 2);

        var invalid = await platform.RunAsync("rollouts", "start", model, "2", "--strategy", "canary", "--steps", "0.5,0.2");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("steps: ", invalid.Error, StringComparison.Ordinal);

        var started = await platform.RunAsync("rollouts", "start", model, "2", "--strategy", "canary", "--steps", "0.1,1", "-o", "json");
        Assert.True(started.ExitCode == 0, started.ToString());
        var canary = JsonDocument.Parse(started.Output).RootElement;
        Assert.Equal(("running", "2", "1"), (canary.GetProperty("state").GetString(), canary.GetProperty("challengerVersion").GetString(), canary.GetProperty("championVersion").GetString()));
        var id = canary.GetProperty("rolloutId").GetString()!;
        Assert.Contains("409", (await platform.RunAsync("rollouts", "start", model, "2", "--strategy", "ab")).Error, StringComparison.Ordinal);

        // Followed from the start (by its id) while it is paused, resumed and rolled back: the watch ends with exit code 3.
        var watch = platform.RunAsync("rollouts", "watch", model, id, "--interval", "0.2");
        var paused = await platform.RunAsync("rollouts", "pause", model, "--reason", "looking closer");
        Assert.Matches(@"State\s+paused", paused.Output);
        Assert.Equal(0, (await platform.RunAsync("rollouts", "resume", model)).ExitCode);
        Assert.Equal(0, (await platform.RunAsync("rollouts", "rollback", model, id, "--reason", "cli test")).ExitCode);
        var watched = await watch;
        Assert.True(watched.ExitCode == 3, watched.ToString());
        foreach (var text in new[] { " started ", " paused ", "looking closer", " rolled-back", "cli test", $"Rollout {id} rolled-back: champion version 1." })
            Assert.Contains(text, watched.Output, StringComparison.Ordinal);

        // An A/B test promoted by hand: watching it after its end exits 0, and version 2 serves.
        var ab = await platform.RunAsync("rollouts", "start", model, "2", "--strategy", "ab", "--share", "0.5", "-o", "json");
        var abId = JsonDocument.Parse(ab.Output).RootElement.GetProperty("rolloutId").GetString()!;
        var status = await platform.RunAsync("rollouts", "status", model);
        Assert.Matches(@"Challenger\s+2, share 50%", status.Output);
        Assert.Single(status.Output.Split('\n'), line => line.Contains("│ challenger", StringComparison.Ordinal));
        Assert.Equal(0, (await platform.RunAsync("rollouts", "promote", model)).ExitCode);
        var after = await platform.RunAsync("rollouts", "watch", model, abId);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains("promoted: champion version 2", after.Output, StringComparison.Ordinal);
        var list = await platform.RunAsync("rollouts", "list", model, "-o", "json");
        Assert.Equal(["promoted", "rolled-back"], JsonDocument.Parse(list.Output).RootElement.GetProperty("rollouts").EnumerateArray().Select(rollout => rollout.GetProperty("state").GetString()));
        Assert.Contains("404", (await platform.RunAsync("rollouts", "status", model)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retraining_started_by_hand_is_followed_to_its_evaluation_and_listed()
    {
        var model = await platform.RegisterModelAsync("cli-retrain");
        var folder = NewFolder();
        try
        {
            // 60 flights, the long ones late, labelled a minute apart (the newest fifth is the hold-out).
            var ids = await PredictAsync(model, folder, Enumerable.Range(0, 60).Select(i => Record(i, $"flight-{i}")));
            foreach (var id in ids)
                await Poll.GetJsonAsync(platform.Host.Client, $"/api/v1/predictions/{id}", _ => true, Deadlines.DistributedState, platform.Host.Failure);
            var now = DateTimeOffset.UtcNow;
            var outcomes = Path.Combine(folder, "outcomes.csv");
            await File.WriteAllLinesAsync(outcomes, ["predictionId,label,observedAt", .. ids.Select((id, i) =>
                $"{id},{(Distance(i) > 1500 ? "late" : "on-time")},{now.AddMinutes(i - 60).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}")]);
            var sent = await platform.RunAsync("feedback", "send", outcomes, "-o", "json");
            Assert.Equal(60, JsonDocument.Parse(sent.Output).RootElement.GetProperty("joined").GetInt32());
            // The joined outcomes reach the Retrainer's labelled rows as events: a job started before they are there has none.
            await Poll.UntilAsync(async () =>
                (await platform.Host.Client.GetStringAsync(new Uri($"/api/v1/models/{model}/training-data", UriKind.Relative))).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 61,
                Deadlines.DistributedState, "the Retrainer to have the 60 labelled rows", platform.Host.Failure);

            var job = await platform.RunAsync("retrainings", "start", model, "--reason", "cli test", "--wait");

            Assert.True(job.ExitCode == 0, job.ToString());
            Assert.Matches(@"State\s+succeeded", job.Output);
            Assert.Matches(@"Trigger\s+manual: cli test", job.Output);
            Assert.Matches(@"Decision\s+(rolled-out|rejected)", job.Output);
            Assert.Matches(@"48 training rows, 12 hold-out rows", job.Output);
            Assert.Single(job.Output.Split('\n'), line => line.Contains("│ champion", StringComparison.Ordinal));
            var list = await platform.RunAsync("retrainings", "list", model, "-o", "json");
            var listed = Assert.Single(JsonDocument.Parse(list.Output).RootElement.GetProperty("jobs").EnumerateArray());
            Assert.Equal("manual", listed.GetProperty("trigger").GetString());
            var shown = await platform.RunAsync("retrainings", "show", model, listed.GetProperty("jobId").GetString()!);
            Assert.Matches(@"State\s+succeeded", shown.Output);
            Assert.Contains("404", (await platform.RunAsync("retrainings", "start", "no-such-model")).Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Monitor_shows_drift_per_column_and_exits_3_once_a_rule_fires()
    {
        var model = await platform.RegisterModelAsync("cli-monitor");

        // Nothing predicted yet: nothing judged, nothing firing.
        var quiet = await platform.RunAsync("monitor", model);
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.Contains("no window of", quiet.Output, StringComparison.Ordinal);

        // One route at one hour, a whole count window of 100 times: nothing like the reference's spread of flights.
        var folder = NewFolder();
        try
        {
            await PredictAsync(model, folder, Enumerable.Repeat(Record(0, "same"), 100));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        MlpRun firing = quiet;
        await Poll.UntilAsync(async () => (firing = await platform.RunAsync("monitor", model)).ExitCode == MonitorExit,
            Deadlines.DistributedState, $"mlp monitor to exit {MonitorExit} (last: {firing})", platform.Host.Failure);
        var rule = Assert.Single(firing.Output.Split('\n'), line => line.Contains(MlpHost.DriftRule, StringComparison.Ordinal));
        Assert.Contains("FIRING", rule, StringComparison.Ordinal);
        Assert.Contains(firing.Output.Split('\n'), line => line.Contains("│ origin", StringComparison.Ordinal) && line.Contains("DRIFTED", StringComparison.Ordinal));
        Assert.Matches(@"Window\s+last 100 predictions: 100 predictions", firing.Output);

        var json = await platform.RunAsync("monitor", model, "--version", "1", "-o", "json");
        Assert.Equal(MonitorExit, json.ExitCode);
        var answer = JsonDocument.Parse(json.Output).RootElement;
        Assert.True(answer.GetProperty("firing").GetBoolean());
        Assert.Contains(answer.GetProperty("report").GetProperty("drift").EnumerateArray(), column => column.GetProperty("drifted").GetBoolean());
        Assert.Contains("404", (await platform.RunAsync("monitor", "no-such-model")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_is_created_with_its_scopes_listed_without_its_secret_and_revoked()
    {
        var created = await platform.RunAsync("keys", "create", "--name", "cli reader", "--scope", "read", "-o", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var answer = JsonDocument.Parse(created.Output).RootElement;
        var key = answer.GetProperty("key").GetString()!;
        var keyId = answer.GetProperty("description").GetProperty("keyId").GetString()!;
        var url = platform.Host.BaseAddress.ToString();
        var asReader = new Dictionary<string, string> { ["MLP_URL"] = url, ["MLP_KEY"] = key };

        await Poll.UntilAsync(async () => (await MlpHost.RunAsync(asReader, "models", "list")).ExitCode == 0, Deadlines.DistributedState, "the new key to be taken", platform.Host.Failure);
        var predict = await MlpHost.RunAsync(asReader, "predict", TestModel.Name, "origin=ORD", "destination=LAX", "distance=1744", "date=2001-02-03T07:45:00");
        Assert.Contains("403 Forbidden", predict.Error, StringComparison.Ordinal);
        var listed = await platform.RunAsync("keys", "list");
        var row = Assert.Single(listed.Output.Split('\n'), line => line.Contains(keyId, StringComparison.Ordinal));
        Assert.Contains("cli reader", row, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed.Output, StringComparison.Ordinal);

        Assert.Contains("not the key itself", (await platform.RunAsync("keys", "revoke", key)).Error, StringComparison.Ordinal);
        var revoked = await platform.RunAsync("keys", "revoke", keyId);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        await Poll.UntilAsync(async () => (await MlpHost.RunAsync(asReader, "models", "list")).Error.Contains("401", StringComparison.Ordinal),
            Deadlines.DistributedState, "the revoked key to be refused", platform.Host.Failure);
        Assert.Equal(1, (await platform.RunAsync("keys", "create", "--name", "x", "--scope", "everything")).ExitCode);
    }

    [Fact]
    public async Task Versions_references_aliases_deletions_invalid_rows_training_data_and_the_audit_from_the_command_line()
    {
        var model = await platform.RegisterModelAsync("cli-registry", versions: 2);
        var folder = NewFolder();
        try
        {
            var versions = JsonDocument.Parse((await platform.RunAsync("models", "versions", model, "-o", "json")).Output).RootElement;
            Assert.Equal(["2", "1"], versions.GetProperty("versions").EnumerateArray().Select(version => version.GetProperty("version").GetString()));
            var table = await platform.RunAsync("models", "versions", model);
            Assert.Matches(@"│ 1\s+│ yes\s+│ champion", table.Output);

            // Aliases: set, listed, removed; the champion cannot be removed.
            Assert.Equal(0, (await platform.RunAsync("models", "aliases", "set", model, "challenger", "2")).ExitCode);
            Assert.Matches(@"│ challenger\s+│ 2 ", (await platform.RunAsync("models", "aliases", "list", model)).Output);
            Assert.Equal(0, (await platform.RunAsync("models", "aliases", "delete", model, "challenger")).ExitCode);
            Assert.DoesNotContain("challenger", (await platform.RunAsync("models", "aliases", "list", model)).Output, StringComparison.Ordinal);
            Assert.Contains("409", (await platform.RunAsync("models", "aliases", "delete", model, "champion")).Error, StringComparison.Ordinal);

            // Version 2's reference from 30 labelled flights; then version 2 deleted, and the serving version refused.
            var labelled = Path.Combine(folder, "labelled.csv");
            await File.WriteAllLinesAsync(labelled, ["date,origin,destination,distance,delay", .. Enumerable.Range(0, 30).Select(i =>
                $"2001-02-{(i % 28) + 1:00}T{i % 24:00}:15:00,{Origins[i % Origins.Length]},LAX,{Distance(i)},{(i % 3 == 0 ? 40 : -2)}")]);
            var reference = await platform.RunAsync("models", "reference", model, "2", labelled);
            Assert.True(reference.ExitCode == 0, reference.ToString());
            Assert.Contains("reference from labelled.csv, 30 rows", reference.Output, StringComparison.Ordinal);
            Assert.Equal(0, (await platform.RunAsync("models", "delete", model, "2")).ExitCode);
            Assert.Contains("409", (await platform.RunAsync("models", "delete", model, "1")).Error, StringComparison.Ordinal);

            // A batch's invalid rows, with their field errors.
            var input = Path.Combine(folder, "batch.csv");
            await File.WriteAllLinesAsync(input, ["date,origin,destination,distance", "2001-02-03T07:45:00,ORD,LAX,1744", "2001-02-03T07:45:00,ORD,LAX,far"]);
            var submitted = await platform.RunAsync("batch", "submit", model, input, "--wait", "-o", "json");
            var batchId = JsonDocument.Parse(submitted.Output).RootElement.GetProperty("id").GetString()!;
            var invalid = Path.Combine(folder, "invalid.jsonl");
            Assert.Equal(0, (await platform.RunAsync("batch", "errors", model, batchId, "--to", invalid)).ExitCode);
            var row = JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(invalid))).RootElement;
            Assert.Equal((2, "distance"), (row.GetProperty("row").GetInt32(), row.GetProperty("errors")[0].GetProperty("field").GetString()));

            // The training dataset: uploaded, shown, deleted.
            var uploaded = await platform.RunAsync("training-data", "upload", model, labelled);
            Assert.True(uploaded.ExitCode == 0, uploaded.ToString());
            Assert.Matches(@"Rows\s+30, 30 with a label \(delay\)", uploaded.Output);
            Assert.Matches(@"Rows\s+30,", (await platform.RunAsync("training-data", "show", model)).Output);
            Assert.Equal(0, (await platform.RunAsync("training-data", "delete", model)).ExitCode);
            Assert.Contains("404", (await platform.RunAsync("training-data", "show", model)).Error, StringComparison.Ordinal);

            // The labelled rows: two predictions given their delays, exported once the Retrainer has them.
            var ids = await PredictAsync(model, folder, Enumerable.Range(0, 2).Select(i => Record(i, $"row-{i}")));
            foreach (var id in ids)
                await Poll.GetJsonAsync(platform.Host.Client, $"/api/v1/predictions/{id}", _ => true, Deadlines.DistributedState, platform.Host.Failure);
            var outcomes = Path.Combine(folder, "delays.csv");
            await File.WriteAllLinesAsync(outcomes, ["predictionId,value", $"{ids[0]},40", $"{ids[1]},-3"]);
            Assert.Equal(0, (await platform.RunAsync("feedback", "send", outcomes)).ExitCode);
            var exported = Path.Combine(folder, "exported.csv");
            await Poll.UntilAsync(async () => (await platform.RunAsync("training-data", "export", model, "--to", exported)).ExitCode == 0
                && (await File.ReadAllLinesAsync(exported)).Length == 3, Deadlines.DistributedState, "the two labelled rows to be exported", platform.Host.Failure);
            Assert.StartsWith("origin,destination,distance,date,delay,observedAt,", (await File.ReadAllLinesAsync(exported))[0], StringComparison.Ordinal);

            // Every change above is in the audit log, by the admin key.
            await Poll.UntilAsync(async () =>
            {
                var audit = await platform.RunAsync("audit", "--model", model, "-o", "json");
                var operations = JsonDocument.Parse(audit.Output).RootElement.GetProperty("entries").EnumerateArray()
                    .Select(entry => (entry.GetProperty("method").GetString(), entry.GetProperty("outcome").GetString())).ToList();
                return operations.Count(entry => entry == ("DELETE", "succeeded")) >= 3 && operations.Contains(("DELETE", "refused"));
            }, Deadlines.DistributedState, "the audit log to hold the deletions", platform.Host.Failure);
            Assert.Matches(@"DELETE /api/v1/models/" + model + @"/versions/2", (await platform.RunAsync("audit", "--model", model, "--limit", "100")).Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task On_a_terminal_a_batch_and_an_outcome_file_show_progress_bars_and_a_rollout_a_live_view()
    {
        var model = await platform.RegisterModelAsync("cli-terminal", versions: 2);
        var folder = NewFolder();
        try
        {
            var input = Path.Combine(folder, "flights.csv");
            await File.WriteAllLinesAsync(input, ["date,origin,destination,distance,entityKey", .. Enumerable.Range(0, 20).Select(i => $"2001-02-03T07:45:00,ORD,LAX,{Distance(i)},t-{i}")]);
            var batch = await platform.RunOnTerminalAsync("batch", "submit", model, input, "--wait");
            Assert.True(batch.ExitCode == 0, batch.ToString());
            Assert.Contains("\u001b[", batch.Output, StringComparison.Ordinal);  // drawn for a terminal
            Assert.Contains("completed: 20 rows", batch.Output, StringComparison.Ordinal);  // the bar's last description
            Assert.Contains("20 scored, 0 invalid", batch.Output, StringComparison.Ordinal);

            var outcomes = Path.Combine(folder, "outcomes.csv");
            await File.WriteAllLinesAsync(outcomes, ["entityKey,value", .. Enumerable.Range(0, 20).Select(i => $"t-{i},{i}")]);
            var sent = await platform.RunOnTerminalAsync("feedback", "send", outcomes, "--model", model, "--chunk", "5");
            Assert.True(sent.ExitCode == 0, sent.ToString());
            Assert.Contains("outcomes.csv: 20 sent", sent.Output, StringComparison.Ordinal);

            // The live view of a rollout redrawn until it is rolled back: exit 3.
            var started = JsonDocument.Parse((await platform.RunAsync("rollouts", "start", model, "2", "--strategy", "ab", "--share", "0.5", "-o", "json")).Output).RootElement;
            var watch = platform.RunOnTerminalAsync("rollouts", "watch", model, started.GetProperty("rolloutId").GetString()!, "--interval", "0.2");
            Assert.Equal(0, (await platform.RunAsync("rollouts", "rollback", model, "--reason", "terminal test")).ExitCode);
            var watched = await watch;
            Assert.True(watched.ExitCode == 3, watched.ToString());
            Assert.Contains("rolled-back", watched.Output, StringComparison.Ordinal);
            Assert.Contains("terminal test", watched.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Bash_completes_commands_options_and_choices_from_mlp_itself()
    {
        var script = await platform.RunAsync("completion", "bash");
        Assert.Equal(0, script.ExitCode);
        var file = Path.Combine(Path.GetTempPath(), $"mlp-completion-{Guid.NewGuid():N}.bash");
        // The function as a shell calls it: the line so far, the cursor at its end, the words.
        await File.WriteAllTextAsync(file, script.Output + """
            complete_line() {
                COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
                read -ra COMP_WORDS <<<"$COMP_LINE"; [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                _mlp_complete; echo "${COMPREPLY[*]}"
            }
            complete_line "mlp ro"
            complete_line "mlp rollouts s"
            complete_line "mlp rollouts start m 2 --strategy "
            complete_line "mlp monitor m --window t"
            """);
        try
        {
            var start = new ProcessStartInfo("bash", [file]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["PATH"] = $"{AppContext.BaseDirectory}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}";
            using var bash = Process.Start(start)!;
            var output = await bash.StandardOutput.ReadToEndAsync();
            var error = await bash.StandardError.ReadToEndAsync();
            await bash.WaitForExitAsync();

            Assert.Equal(["rollouts", "start status", "ab bandit canary shadow single", "time"], output.TrimEnd('\n').Split('\n'));
            Assert.True(bash.ExitCode == 0, error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private const int MonitorExit = 3;

    private static readonly string[] Origins = ["ORD", "ATL", "DFW", "DEN"];

    private static double Distance(int i) => 300 + (37 * i);

    private static Dictionary<string, object> Record(int i, string entityKey) => new()
    {
        ["date"] = $"2001-02-{(i % 28) + 1:00}T{i % 24:00}:15:00",
        ["origin"] = Origins[i % Origins.Length],
        ["destination"] = "LAX",
        ["distance"] = Distance(i),
        ["entityKey"] = entityKey,
    };

    // Predicts the records with `mlp predict --file`: their prediction ids, in order.
    private async Task<List<string>> PredictAsync(string model, string folder, IEnumerable<Dictionary<string, object>> records)
    {
        var file = Path.Combine(folder, $"records-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(records));
        var run = await platform.RunAsync("predict", model, "--file", file, "-o", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        return [.. JsonDocument.Parse(run.Output).RootElement.GetProperty("results").EnumerateArray().Select(result => result.GetProperty("predictionId").GetString()!)];
    }

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"mlp-loop-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
