using Replay;
using RabbitMQ.Client.Exceptions;

// replay [options]: plays the demo flights through a running platform over RabbitMQ (docs/replay.md).
// Progress and alerts go to stderr as they happen; the Markdown report goes to stdout at the end (and to
// --report / --json files). Ctrl+C stops sending and still writes the report of what was sent.
var (options, errors) = ReplayCommandLine.Parse(args, out var help);
if (help)
{
    Console.WriteLine(ReplayCommandLine.Usage);
    return 0;
}

if (options is null)
{
    foreach (var error in errors)
        Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine(ReplayCommandLine.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, press) =>
{
    if (stop.IsCancellationRequested)
        return;
    press.Cancel = true;
    stop.Cancel();
    Console.Error.WriteLine("stopping: the report covers what was sent (Ctrl+C again quits at once)");
};

try
{
    var report = await Replayer.RunAsync(options, Console.Error, stop.Token);
    var markdown = report.ToMarkdown();
    Console.Out.Write(markdown);
    if (options.ReportFile is { } reportFile)
        await File.WriteAllTextAsync(reportFile, markdown, CancellationToken.None);
    if (options.JsonFile is { } jsonFile)
        await File.WriteAllTextAsync(jsonFile, report.ToJson(), CancellationToken.None);
    return report.Completed ? 0 : 130;
}
catch (Exception exception) when (exception is InvalidOperationException or IOException or RabbitMQClientException)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    return 1;
}
