using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Integration.Tests.Online;
using Modeling.Flights;
using Replay;
using Replay.Results;
using TestSupport;
using Xunit.Abstractions;

namespace Integration.Tests.WeatherDemo;

/// <summary>
/// The second demo, trimmed (docs/demo-weather.md): a model the platform has no code for, seattle-weather, set up by
/// configuration and data only. Its first version is trained on 2012 by the platform's trainer (<c>Retrainer train
/// --card</c>, as a process) and registered through the API; the embedded host runs on RabbitMQ with the demo's own
/// settings (demo/seattle-weather/platform.env); January 2013 to January 2014 is replayed day by day by the replay tool's
/// engine as another system would (a request before each day, its weather after it). The version's accuracy falls at
/// the end of 2013 (the full run, docs/demo-weather.md: 0.62 over the 90 outcomes to early January against a
/// threshold of 0.67): the accuracy rule fires, a retraining starts, and it ends with its evaluation. The replay starts in
/// January because a challenger must see every label of the card among its training rows (the hold-out is the newest
/// fifth): of 2013's three days of snow, two are in its first quarter.
/// </summary>
[StartEarly]
public sealed class WeatherDemoTests(RabbitMqFixture broker, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    private const string Model = "seattle-weather";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    [DemoDataFact]
    public async Task A_first_version_trained_on_2012_meets_the_autumn_of_2013_an_alert_starts_a_retraining_and_it_ends_with_its_evaluation()
    {
        var weather = DemoData.FindFile("seattle-weather.csv") ?? throw new FileNotFoundException("seattle-weather.csv: run scripts/fetch-demo-data.sh");
        var card = RepositoryFiles.Find("demo/seattle-weather/model-card.json");
        var folder = Directory.CreateTempSubdirectory("it-weather-").FullName;
        await using var virtualHost = await broker.CreateVirtualHostAsync("weather");
        try
        {
            // 1. The first version, trained on 2012 by the platform's trainer.
            var trained = Path.Combine(folder, "trained");
            var training = await RunAsync(ServiceAssemblies.PathOf("Retrainer"),
                "train", "--card", card, "--data", weather, "--from", "2012-01-01", "--to", "2013-01-01", "--version", "1", "--trees", "30", "--models", trained);
            var bundle = Path.Combine(trained, Model, "1");
            Assert.True(System.IO.File.Exists(Path.Combine(bundle, "model.onnx")), training);

            // 2. The platform with the demo's settings, on RabbitMQ, without any model; the version registered through the API.
            var environment = new Dictionary<string, string>(virtualHost.ServiceEnvironment())
            {
                ["Registry__ModelsFolder"] = Path.Combine(folder, "models"),
                ["Storage__DataFolder"] = Path.Combine(folder, "store"),
                ["Batches__UploadFolder"] = Path.Combine(folder, "batches"),
                ["Monitoring__SaveInterval"] = "00:00:01",
            };
            foreach (var (name, value) in DemoSettings())
                environment[name] = value;
            await using var host = ServiceProcess.Start("Embedded", environment);
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            using (var upload = new MultipartFormDataContent())
            {
                upload.Add(Part(Path.Combine(bundle, "model-card.json"), "application/json"), "card", "model-card.json");
                upload.Add(Part(Path.Combine(bundle, "model.onnx"), "application/octet-stream"), "onnx", "model.onnx");
                using var registered = await host.Client.PostAsync(new Uri($"/api/v1/models/{Model}/versions", UriKind.Relative), upload);
                Assert.True(registered.StatusCode == HttpStatusCode.Created, host.Failure($"registering: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}").Message);
            }

            await host.WaitForStatusAsync($"/api/v1/models/{Model}", HttpStatusCode.OK, Deadlines.ProcessStart);

            // 3. January 2013 – January 2014 replayed through the broker: every prediction comes back, every outcome after its prediction.
            var options = new ReplayOptions
            {
                Card = card,
                DataFile = weather,
                Model = Model,
                Period = ReplayPeriod.Quarter,
                From = new DateTime(2013, 1, 1),
                To = new DateTime(2014, 2, 1),
                TrainingFrom = new DateTime(2012, 1, 1),
                TrainingTo = new DateTime(2013, 1, 1),
                Speed = 86_400 * 40.0,
                MaxRate = 80,
                Lead = TimeSpan.FromHours(1),
                OutcomeLag = TimeSpan.FromHours(20),
                OutcomeHold = Deadlines.DistributedState,
                Drain = TimeSpan.FromMinutes(2),
                QuietPeriod = TimeSpan.FromSeconds(1),
                ProgressInterval = TimeSpan.FromSeconds(5),
                BaselineFolder = bundle,
                Amqp = new Uri($"amqp://{RabbitMqFixture.Username}:{RabbitMqFixture.Password}@{RabbitMqFixture.Host}:{RabbitMqFixture.AmqpPort}/{Uri.EscapeDataString(virtualHost.Name)}"),
            };
            using var progress = new StringWriter();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var report = await Replayer.RunAsync(options, progress, timeout.Token);
            output.WriteLine(progress.ToString());
            output.WriteLine(report.ToMarkdown());
            Assert.True(report.Completed && report.Totals.PredictionsReceived == report.Totals.RequestsSent,
                host.Failure($"{report.Totals.PredictionsReceived} of {report.Totals.RequestsSent} predictions came back").Message);
            Assert.Equal(396, report.Totals.RequestsSent);
            Assert.Equal(["2013-Q1", "2013-Q2", "2013-Q3", "2013-Q4", "2014-Q1"], report.Periods.Select(period => period.Period));
            // Where version 1 answered everything, the tool's live accuracy is the one of the same bundle scored in-process.
            foreach (var period in report.Periods.Where(period => period.Versions.Keys.SequenceEqual(["1"])))
                Assert.Equal(period.Baseline!.Accuracy, period.Live.Accuracy);

            // 4. An alert started a retraining, which ended with its evaluation: the challenger rolled out or rejected, with the numbers.
            var job = await FinishedRetrainingAsync(host)
                ?? throw host.Failure($"no retraining ended within {Deadlines.DistributedState.TotalSeconds:0} s of the replay:\n{report.ToMarkdown()}\n{await host.Client.GetStringAsync(new Uri($"/api/v1/models/{Model}/retrainings", UriKind.Relative))}");
            output.WriteLine(job.ToString());
            var alerts = await GetJsonAsync(host, $"/api/v1/monitoring/alerts?model={Model}");
            var kinds = alerts.GetProperty("alerts").EnumerateArray().Select(alert => alert.GetProperty("kind").GetString()).ToList();
            Assert.Contains(job.GetProperty("trigger").GetString(), kinds);
            Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
            Assert.Equal("1", job.GetProperty("championVersion").GetString());
            var evaluation = job.GetProperty("evaluation");
            Assert.Equal("logLoss", evaluation.GetProperty("metric").GetString());
            Assert.True(job.GetProperty("data").GetProperty("holdoutRows").GetInt32() > 0, job.ToString());
            Assert.True(evaluation.GetProperty("champion").GetProperty("logLoss").GetDouble() > 0, job.ToString());
            Assert.True(evaluation.GetProperty("challenger").GetProperty("logLoss").GetDouble() > 0, job.ToString());
            var versions = (await GetJsonAsync(host, $"/api/v1/models/{Model}/versions")).GetProperty("versions").EnumerateArray().Select(version => version.GetProperty("version").GetString()).ToList();
            switch (evaluation.GetProperty("decision").GetString())
            {
                case "rolled-out":
                    Assert.Equal("2", job.GetProperty("challengerVersion").GetString());
                    Assert.Contains("2", versions);
                    var rollout = (await GetJsonAsync(host, $"/api/v1/models/{Model}/rollouts")).GetProperty("rollouts").EnumerateArray().Single();
                    Assert.Equal(("canary", "2"), (rollout.GetProperty("strategy").GetString(), rollout.GetProperty("challengerVersion").GetString()));
                    break;
                case "rejected":
                    Assert.Equal(["1"], versions);
                    break;
                default:
                    throw host.Failure($"the retraining ended with {job}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The demo's own settings: NAME=value lines, comments and blank lines left out.
    private static IEnumerable<(string Name, string Value)> DemoSettings() =>
        File.ReadLines(RepositoryFiles.Find("demo/seattle-weather/platform.env"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => (line[..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]));

    // The model's oldest retraining job that ended with an evaluation, once there is one.
    private static async Task<JsonElement?> FinishedRetrainingAsync(ServiceProcess host)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadlines.DistributedState)
        {
            var jobs = (await GetJsonAsync(host, $"/api/v1/models/{Model}/retrainings")).GetProperty("jobs").EnumerateArray().Reverse();
            if (jobs.FirstOrDefault(job => job.GetProperty("state").GetString() is "succeeded" or "failed") is { ValueKind: JsonValueKind.Object } ended)
                return ended;
            await Task.Delay(PollInterval);
        }

        return null;
    }

    private static async Task<JsonElement> GetJsonAsync(ServiceProcess host, string path)
    {
        using var response = await host.Client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw host.Failure($"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static ByteArrayContent Part(string path, string mediaType)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    // Runs a built service dll with arguments (its command-line mode); returns its output, failing on a non-zero exit.
    private static async Task<string> RunAsync(string dll, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await standardOutput + await standardError;
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(dll)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {text}");
        return text;
    }
}
