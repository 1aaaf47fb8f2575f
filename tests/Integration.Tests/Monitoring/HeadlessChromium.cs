using System.Diagnostics;
using Xunit.Sdk;

namespace Integration.Tests.Monitoring;

/// <summary>
/// Chromium (or Chrome) in headless mode, one process per page load: <c>--dump-dom</c> for the page as the
/// scripts left it and <c>--screenshot</c> for a picture of it, from the same load. The browser is the <c>CHROMIUM</c> variable's path, or
/// the first of chromium, google-chrome, google-chrome-stable, chromium-browser on PATH (the order
/// scripts/install-chromium.sh uses; that script installs Debian's chromium where none is found).
/// </summary>
public static class HeadlessChromium
{
    private static readonly string[] Names = ["chromium", "google-chrome", "google-chrome-stable", "chromium-browser"];
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The browser's path; fails the test, saying how to install one, when there is none.</summary>
    public static string Executable()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } configured)
            return File.Exists(configured) ? configured : throw new XunitException($"CHROMIUM={configured} does not exist.");
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in Names)
        {
            if (path.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists) is { } found)
                return found;
        }

        throw new XunitException($"No headless browser: none of {string.Join(", ", Names)} is on PATH. Run scripts/install-chromium.sh (Debian's chromium) or set CHROMIUM.");
    }

    /// <summary>
    /// Loads <paramref name="url"/> in a <paramref name="width"/> × <paramref name="height"/> window, lets its scripts run
    /// for <paramref name="budget"/> of virtual time (network waits pause that clock, so the page's API calls complete
    /// within it), saves a PNG of the window to <paramref name="screenshot"/> and returns the serialized DOM: one
    /// browser start for both (a start takes tens of seconds on a busy machine).
    /// </summary>
    public static Task<string> DumpDomAsync(Uri url, TimeSpan budget, string screenshot, int width, int height) =>
        RunAsync(["--dump-dom", $"--screenshot={screenshot}", $"--window-size={width},{height}", "--hide-scrollbars",
            $"--virtual-time-budget={(int)budget.TotalMilliseconds}", url.ToString()]);

    private static async Task<string> RunAsync(IEnumerable<string> arguments)
    {
        // A profile of its own: no first-run state, and runs in parallel do not share one.
        var profile = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"it-chromium-{Guid.NewGuid():N}")).FullName;
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --no-sandbox: tests may run as root (containers, CI), where Chromium refuses its sandbox.
        foreach (var argument in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking", $"--user-data-dir={profile}" }.Concat(arguments))
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new XunitException($"Could not start {start.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(ProcessTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new XunitException($"{start.FileName} did not finish within {ProcessTimeout.TotalSeconds} s.\n{await errors}");
        }
        finally
        {
            TryDelete(profile);
        }

        if (process.ExitCode != 0)
            throw new XunitException($"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{await errors}");
        return await output;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The browser's helpers may still hold a file for a moment; the temp folder is cleaned by the system.
        }
    }
}
