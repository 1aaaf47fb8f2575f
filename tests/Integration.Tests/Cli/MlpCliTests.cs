using System.Text.Json;
using Integration.Tests.Online;
using Integration.Tests.Registry;

namespace Integration.Tests.Cli;

/// <summary>
/// <c>mlp</c>, the command line, against the embedded host: the models, predictions from arguments and from a file, the
/// platform's problem details as errors naming the fields, where the URL and key come from, and its own help and usage.
/// </summary>
[Collection(MlpHost.Collection)]
public sealed class MlpCliTests(MlpHost platform)
{
    private static readonly string[] Record = ["date=2001-02-03T07:45:00", "origin=ORD", "destination=LAX", "distance=1744"];

    [Fact]
    public async Task Models_list_shows_the_served_model_in_a_table_and_as_the_API_s_JSON()
    {
        var table = await platform.RunAsync("models", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        var row = Assert.Single(table.Output.Split('\n'), line => line.Contains(TestModel.Name, StringComparison.Ordinal));
        Assert.Contains("binary", row, StringComparison.Ordinal);
        Assert.Contains("origin, destination, distance, date", row, StringComparison.Ordinal);

        var json = await platform.RunAsync("models", "list", "--output", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        // Other tests of the class register models of their own: the test model is one of the list.
        var model = Assert.Single(JsonDocument.Parse(json.Output).RootElement.EnumerateArray(), entry => entry.GetProperty("name").GetString() == TestModel.Name);
        Assert.Equal(TestModel.Name, model.GetProperty("name").GetString());
        Assert.Equal(TestModel.Version, model.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Models_show_lists_every_field_with_its_kind_and_values()
    {
        var run = await platform.RunAsync("models", "show", TestModel.Name);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("on-time, late", run.Output, StringComparison.Ordinal);
        var distance = Assert.Single(run.Output.Split('\n'), line => line.Contains("│ distance", StringComparison.Ordinal));
        Assert.Contains("numeric", distance, StringComparison.Ordinal);
        Assert.Contains(" to ", distance, StringComparison.Ordinal);
        var origin = Assert.Single(run.Output.Split('\n'), line => line.Contains("│ origin", StringComparison.Ordinal));
        Assert.Contains("categorical", origin, StringComparison.Ordinal);
        Assert.Contains("ORD", origin, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_scores_a_record_given_as_arguments_and_the_prediction_is_logged()
    {
        var table = await platform.RunAsync(["predict", TestModel.Name, .. Record]);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"Label\s+(on-time|late)", table.Output);
        Assert.Matches(@"Probability\s+0\.\d+", table.Output);

        var json = await platform.RunAsync(["predict", TestModel.Name, .. Record, "-o", "json"]);
        Assert.True(json.ExitCode == 0, json.ToString());
        var answer = JsonDocument.Parse(json.Output).RootElement;
        var id = answer.GetProperty("predictionId").GetString();
        Assert.Equal(TestModel.Version, answer.GetProperty("version").GetString());
        // The distance went as a number and the rest as text: the platform logged the record as it was sent.
        var logged = await Poll.GetJsonAsync(platform.Host.Client, $"/api/v1/predictions/{id}", _ => true, Deadlines.DistributedState, platform.Host.Failure);
        Assert.Equal(1744, logged.GetProperty("input").GetProperty("distance").GetDouble());
        Assert.Equal("ORD", logged.GetProperty("input").GetProperty("origin").GetString());
    }

    [Fact]
    public async Task Predict_reads_records_from_a_file_and_shows_each_record_s_prediction_or_its_errors()
    {
        var file = Path.Combine(Path.GetTempPath(), $"mlp-records-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            [
              { "date": "2001-02-03T07:45:00", "origin": "ORD", "destination": "LAX", "distance": 1744 },
              { "date": "2001-02-03T07:45:00", "origin": "ORD", "destination": "LAX", "distance": "far" }
            ]
            """);
        try
        {
            var run = await platform.RunAsync("predict", TestModel.Name, "--file", file);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("1 predicted, 1 invalid", run.Output, StringComparison.Ordinal);
            var invalid = Assert.Single(run.Output.Split('\n'), line => line.Contains("distance:", StringComparison.Ordinal));
            Assert.StartsWith("│ 1 ", invalid, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_refused_record_exits_with_1_and_the_problem_names_each_field()
    {
        var run = await platform.RunAsync("predict", TestModel.Name, "date=2001-02-30T07:45:00", "origin=ORD", "destination=LAX", "distance=far");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Contains("400 Bad Request", run.Error, StringComparison.Ordinal);
        Assert.Contains("distance: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("date: ", run.Error, StringComparison.Ordinal);

        var unknown = await platform.RunAsync(["predict", "no-such-model", .. Record]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("404 Not Found", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_URL_and_key_come_from_the_options_the_environment_or_the_config_file()
    {
        var url = platform.Host.BaseAddress.ToString();

        // No key anywhere: the platform's 401, with where a key can be given.
        var anonymous = await MlpHost.RunAsync(new Dictionary<string, string> { ["MLP_URL"] = url }, "models", "list");
        Assert.Equal(1, anonymous.ExitCode);
        Assert.Contains("401", anonymous.Error, StringComparison.Ordinal);
        Assert.Contains("--key, MLP_KEY", anonymous.Error, StringComparison.Ordinal);

        // The options, with nothing in the environment.
        Assert.Equal(0, (await MlpHost.RunAsync(new Dictionary<string, string>(), "models", "list", "--url", url, "--key", TestKeys.Admin)).ExitCode);

        // The config file named by MLP_CONFIG; an option wins over it.
        var config = Path.Combine(Path.GetTempPath(), $"mlp-config-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { url, key = TestKeys.Admin }));
        try
        {
            var fromFile = await MlpHost.RunAsync(new Dictionary<string, string> { ["MLP_CONFIG"] = config }, "models", "list");
            Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
            var wrongKey = await MlpHost.RunAsync(new Dictionary<string, string> { ["MLP_CONFIG"] = config }, "models", "list", "--key", "mlp_000000000000_wrong");
            Assert.Equal(1, wrongKey.ExitCode);
            Assert.Contains("401", wrongKey.Error, StringComparison.Ordinal);

            await File.WriteAllTextAsync(config, "{ not json");
            var broken = await MlpHost.RunAsync(new Dictionary<string, string> { ["MLP_CONFIG"] = config }, "models", "list");
            Assert.Equal(1, broken.ExitCode);
            Assert.Contains($"The config file {config} is not JSON", broken.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }

        // Nothing listens there: said so, not a stack trace.
        var unreachable = await MlpHost.RunAsync(new Dictionary<string, string>(), "models", "list", "--url", $"http://127.0.0.1:{ServiceProcess.FreeTcpPort()}");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("Cannot reach the platform", unreachable.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_set_writes_a_file_only_its_owner_reads_and_show_says_where_each_value_comes_from()
    {
        var home = Path.Combine(Path.GetTempPath(), $"mlp-home-{Guid.NewGuid():N}");
        var url = platform.Host.BaseAddress.ToString();
        var environment = new Dictionary<string, string> { ["HOME"] = home };
        try
        {
            var set = await MlpHost.RunAsync(environment, "config", "set", "--url", url, "--key", TestKeys.Admin);
            Assert.True(set.ExitCode == 0, set.ToString());
            var file = Path.Combine(home, ".config", "mlp", "config.json");
            Assert.Contains($"Saved to {file}", set.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(TestKeys.Admin, set.Output, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

            // Every later command finds the platform and the key there.
            Assert.Equal(0, (await MlpHost.RunAsync(environment, "models", "list")).ExitCode);
            var show = await MlpHost.RunAsync(environment, "config", "show");
            Assert.Matches(@"URL\s+\S+\s+from the config file", show.Output);
            Assert.Matches(@"Key\s+mlp_[0-9a-f]{12}_…\s+from the config file", show.Output);
            Assert.DoesNotContain(TestKeys.Admin, show.Output, StringComparison.Ordinal);

            // One value set, the other kept; the environment wins over the file.
            Assert.Equal(0, (await MlpHost.RunAsync(environment, "config", "set", "--url", "http://127.0.0.1:5999")).ExitCode);
            var written = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;
            Assert.Equal(("http://127.0.0.1:5999", TestKeys.Admin), (written.GetProperty("url").GetString(), written.GetProperty("key").GetString()));
            var fromEnvironment = await MlpHost.RunAsync(new Dictionary<string, string> { ["HOME"] = home, ["MLP_URL"] = url }, "config", "show");
            Assert.Matches(@"URL\s+\S+\s+from MLP_URL", fromEnvironment.Output);

            Assert.Contains("Give --url, --key or both", (await MlpHost.RunAsync(environment, "config", "set")).Error, StringComparison.Ordinal);
            Assert.Contains("not an absolute http or https URL", (await MlpHost.RunAsync(environment, "config", "set", "--url", "ftp://x")).Error, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(home))
                Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_version_is_registered_downloaded_and_made_champion_from_the_command_line()
    {
        // The test model under a name of this test's own, as files on disk.
        var uploads = new RegistryUploads(await TestModel.ModelsFolderAsync(), RegistryUploads.NewModelName("cli"));
        var folder = Path.Combine(Path.GetTempPath(), $"mlp-registry-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var onnx = Path.Combine(folder, "model.onnx");
            await File.WriteAllBytesAsync(onnx, uploads.Onnx);
            foreach (var version in new[] { "1", "2" })
                await File.WriteAllTextAsync(Path.Combine(folder, $"card-{version}.json"), uploads.Card(version));

            var first = await platform.RunAsync("models", "register", uploads.Model, "--card", Path.Combine(folder, "card-1.json"), "--onnx", onnx);
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Matches(@"Serving\s+yes", first.Output);
            var second = await platform.RunAsync("models", "register", uploads.Model, "--card", Path.Combine(folder, "card-2.json"), "--onnx", onnx, "-o", "json");
            Assert.True(second.ExitCode == 0, second.ToString());
            var created = JsonDocument.Parse(second.Output).RootElement;
            Assert.Equal(("2", false), (created.GetProperty("version").GetString(), created.GetProperty("serving").GetBoolean()));

            // The card names another model: refused, the field named.
            var refused = await platform.RunAsync("models", "register", "another-name", "--card", Path.Combine(folder, "card-1.json"), "--onnx", onnx);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("card.name", refused.Error, StringComparison.Ordinal);

            // The exact bytes come back.
            var saved = Path.Combine(folder, "downloaded.onnx");
            var download = await platform.RunAsync("models", "download", uploads.Model, "--version", "2", "--to", saved);
            Assert.True(download.ExitCode == 0, download.ToString());
            Assert.Equal(uploads.Onnx, await File.ReadAllBytesAsync(saved));
            var missing = await platform.RunAsync("models", "download", uploads.Model, "--version", "9", "--to", Path.Combine(folder, "nine.onnx"));
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("404", missing.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, "nine.onnx")));

            // Moving the champion moves the traffic.
            var moved = await platform.RunAsync("models", "aliases", "set", uploads.Model, "champion", "2");
            Assert.True(moved.ExitCode == 0, moved.ToString());
            Assert.Contains("champion: version 1 → 2", moved.Output, StringComparison.Ordinal);
            await Poll.UntilAsync(async () =>
            {
                var show = await platform.RunAsync("models", "show", uploads.Model, "-o", "json");
                return show.ExitCode == 0 && JsonDocument.Parse(show.Output).RootElement.GetProperty("version").GetString() == "2";
            }, Deadlines.DistributedState, "the model to serve version 2", platform.Host.Failure);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_batch_is_submitted_followed_to_its_end_its_results_saved_listed_and_cancelled()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"mlp-batch-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            // 40 valid flights and one whose distance is not a number.
            var input = Path.Combine(folder, "flights.csv");
            var lines = Enumerable.Range(0, 40).Select(i => $"2001-02-{i % 28 + 1:00}T0{i % 9}:15:00,ORD,LAX,{300 + (10 * i)}").Append("2001-02-03T07:45:00,ORD,LAX,far");
            await File.WriteAllLinesAsync(input, ["date,origin,destination,distance", .. lines]);
            var results = Path.Combine(folder, "results.csv");

            var submitted = await platform.RunAsync("batch", "submit", TestModel.Name, input, "--wait", "--results", results);

            Assert.True(submitted.ExitCode == 0, submitted.ToString());
            Assert.Matches(@"State\s+completed", submitted.Output);
            Assert.Contains("40 scored, 1 invalid", submitted.Output, StringComparison.Ordinal);
            var saved = await File.ReadAllLinesAsync(results);
            Assert.Equal("row,entityKey,label,probability,value", saved[0]);
            Assert.Equal(40, saved.Length - 1);
            var id = System.Text.RegularExpressions.Regex.Match(submitted.Output, @"Batch\s+(\S+)").Groups[1].Value;

            var listed = await platform.RunAsync("batch", "list", TestModel.Name, "-o", "json");
            Assert.Contains(JsonDocument.Parse(listed.Output).RootElement.GetProperty("batches").EnumerateArray(), batch => batch.GetProperty("id").GetString() == id);
            var status = await platform.RunAsync("batch", "status", TestModel.Name, id, "-o", "json");
            Assert.Equal("completed", JsonDocument.Parse(status.Output).RootElement.GetProperty("state").GetString());

            Assert.Equal(0, (await platform.RunAsync("batch", "cancel", TestModel.Name, id)).ExitCode);
            var gone = await platform.RunAsync("batch", "status", TestModel.Name, id);
            Assert.Equal(1, gone.ExitCode);
            Assert.Contains("404", gone.Error, StringComparison.Ordinal);

            // --results without --wait, and a file that is no records format, are refused before anything is sent.
            Assert.Contains("--results needs --wait", (await platform.RunAsync("batch", "submit", TestModel.Name, input, "--results", results)).Error, StringComparison.Ordinal);
            Assert.Contains("must be a .csv, .jsonl or .parquet file", (await platform.RunAsync("batch", "submit", TestModel.Name, Path.Combine(folder, "flights.txt"))).Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Every_command_s_help_describes_it_and_lists_its_own_commands()
    {
        // From mlp --help down every "Commands:" section: each command answers --help with its description and usage.
        var pending = new Queue<string[]>([[]]);
        var described = new List<string>();
        // In-process the program's name is the test host's; the tool's is mlp.
        string? program = null;
        while (pending.TryDequeue(out var path))
        {
            var help = await MlpHost.RunAsync(new Dictionary<string, string>(), [.. path, "--help"]);
            Assert.True(help.ExitCode == 0, help.ToString());
            var lines = help.Output.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
            var description = lines[lines.IndexOf("Description:") + 1].Trim();
            Assert.True(description.Length > 20, $"mlp {string.Join(' ', path)} --help has no description:\n{help.Output}");
            var usage = lines[lines.IndexOf("Usage:") + 1].Trim();
            program ??= usage.Split(' ')[0];
            Assert.StartsWith($"{program} {string.Join(' ', path)}".TrimEnd(), usage, StringComparison.Ordinal);
            described.Add(string.Join(' ', path));
            var commands = lines.IndexOf("Commands:");
            if (commands < 0)
                continue;
            foreach (var line in lines.Skip(commands + 1).TakeWhile(line => line.StartsWith("  ", StringComparison.Ordinal)))
                pending.Enqueue([.. path, line.Trim().Split(' ')[0]]);
        }

        foreach (var command in new[] { "models register", "batch submit", "feedback send", "rollouts watch", "retrainings start", "monitor", "keys revoke", "completion" })
            Assert.Contains(command, described);
        Assert.True(described.Count >= 35, $"{described.Count} commands described: {string.Join(", ", described)}");
    }

    [Fact]
    public async Task Help_describes_every_command_and_a_wrong_command_line_shows_the_usage()
    {
        var help = await MlpHost.RunAsync(new Dictionary<string, string>(), "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var text in new[] { "models", "predict", "batch", "--url", "--key", "--output" })
            Assert.Contains(text, help.Output, StringComparison.Ordinal);
        var predictHelp = await MlpHost.RunAsync(new Dictionary<string, string>(), "predict", "--help");
        Assert.Contains("FIELD=VALUE", predictHelp.Output, StringComparison.Ordinal);
        Assert.Contains("--file", predictHelp.Output, StringComparison.Ordinal);

        var unknown = await MlpHost.RunAsync(new Dictionary<string, string>(), "modles", "list");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("modles", unknown.Error, StringComparison.Ordinal);
        var badOutput = await MlpHost.RunAsync(new Dictionary<string, string>(), "models", "list", "--output", "xml");
        Assert.Equal(1, badOutput.ExitCode);
        Assert.Contains("xml", badOutput.Error, StringComparison.Ordinal);
    }
}
