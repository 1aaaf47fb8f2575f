using System.Diagnostics;
using System.Globalization;
using System.Text;
using Modeling.Bundles;
using Modeling.Flights;
using Modeling.Records;
using Modeling.Scoring;
using Modeling.Statistics;

namespace Bench;

/// <summary>
/// What the registry does with a version's <c>reference</c> file (docs/registry.md, "A reference from data"), in this
/// process: 100,000 February 2001 flights as CSV with their delay (the label), read, featurized by the demo model's card,
/// scored with its ONNX file and described (every column, the output, the hold-out metrics). Five runs after one to warm
/// up; wall time and this process's CPU time per run.
/// </summary>
public static class ReferenceBenchmark
{
    private const int Rows = 100_000;
    private const int Runs = 5;

    /// <summary>Runs the measurement and returns the Markdown report.</summary>
    public static async Task<string> RunAsync(string models, string command)
    {
        var read = await ModelBundle.ReadAsync(Path.Combine(models, "flight-delay", "1"), CancellationToken.None);
        var bundle = read.Bundle ?? throw new InvalidOperationException(string.Join("; ", read.Errors));
        Console.Error.WriteLine($"writing {Rows:N0} flights as CSV");
        var csv = await CsvOfFlightsAsync();
        using var scorer = OnnxScorer.Load(bundle.Card, bundle.Onnx);

        await ProfileAsync(scorer, csv);
        var runs = new List<(double Wall, double Cpu, ReferenceDatasetProfile Profile)>();
        for (var run = 0; run < Runs; run++)
        {
            Console.Error.WriteLine($"run {run + 1} of {Runs}");
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var profile = await ProfileAsync(scorer, csv);
            runs.Add((clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, profile));
        }

        var last = runs[^1].Profile;
        var wall = runs.Select(run => run.Wall).Order().ToList();
        var cpus = runs.Select(run => run.Cpu).Order().ToList();
        var report = new StringBuilder();
        report.AppendLine("# Benchmark: a reference from data");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Produced by `{command}` on {DateTime.UtcNow:yyyy-MM-dd} ({Environment.ProcessorCount} cores). What the registry does with a");
        report.AppendLine("version's `reference` file, measured in one process: the file read as CSV, every record featurized by the");
        report.AppendLine("demo model's card, a sample of at most `Registry__ReferenceMaxRows` (200,000) valid rows scored with its ONNX");
        report.AppendLine("file, every tensor column and the output described, and the hold-out metrics computed from the `delay` label.");
        report.AppendLine();
        report.AppendLine("| file | rows read | rows described | wall time, median (min–max) | CPU time, median | rows per second |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| {csv.Length / 1e6:0.0} MB CSV | {last.RowsRead:N0} | {last.Statistics.Rows:N0} | {wall[Runs / 2]:0.00} s ({wall[0]:0.00}–{wall[^1]:0.00}) | {cpus[Runs / 2]:0.00} s | {last.RowsRead / wall[Runs / 2]:N0} |");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Hold-out metrics of the demo model on these flights: AUC {last.Metrics?.Holdout?.Auc:0.0000}, log loss {last.Metrics?.Holdout?.LogLoss:0.0000}, on {last.Metrics?.Holdout?.Rows:N0} rows.");
        return report.ToString();
    }

    private static Task<ReferenceDatasetProfile> ProfileAsync(OnnxScorer scorer, byte[] csv) =>
        ReferenceDataset.ProfileAsync(scorer, new MemoryStream(csv), RecordFormat.Csv, "flights.csv", maxRows: 200_000, seed: 1, RecordLimits.Default, CancellationToken.None);

    private static async Task<byte[]> CsvOfFlightsAsync()
    {
        var text = new StringBuilder("date,origin,destination,distance,delay\n");
        var count = 0;
        await foreach (var flight in FlightsParquetReader.ReadAsync(DemoData.RequireFlightsFile(), new DateTime(2001, 2, 1), new DateTime(2001, 3, 1)))
        {
            text.Append(CultureInfo.InvariantCulture, $"{flight.Date:yyyy-MM-dd'T'HH:mm:ss},{flight.Origin},{flight.Destination},{flight.Distance},{flight.Delay}\n");
            if (++count == Rows)
                break;
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
