using System.Diagnostics;

namespace Integration.Tests.Online;

/// <summary>
/// A small flight-delay model (20 trees on 20,000 January rows, a few seconds) trained once per test run
/// by the Retrainer's command line into a temporary models folder, so tests that need a served model do
/// not wait for the full bootstrap training.
/// </summary>
public static class TestModel
{
    public const string Name = "flight-delay";
    public const string Version = "1";

    private static readonly Lazy<Task<string>> Trained = new(TrainAsync);

    /// <summary>The models folder (for <c>Registry__ModelsFolder</c>) holding version 1; never modify it.</summary>
    public static Task<string> ModelsFolderAsync() => Trained.Value;

    /// <summary>A fresh copy of the models folder, for a test that changes it.</summary>
    public static async Task<string> CopyOfModelsFolderAsync()
    {
        var source = await ModelsFolderAsync();
        var copy = Path.Combine(Path.GetTempPath(), $"it-models-{Guid.NewGuid():N}");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    private static async Task<string> TrainAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"it-models-{Guid.NewGuid():N}");
        // Nothing else owns it: it goes when the test run ends (the copies go with the systems that made them).
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        };
        var dll = ServiceAssemblies.PathOf("Retrainer");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "train", "--models", folder, "--version", Version, "--max-rows", "20000", "--trees", "20" })
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the Retrainer");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Training the test model failed ({process.ExitCode}):\n{await output}\n{await errors}");
        return folder;
    }
}
