using Xunit.Sdk;

namespace Integration.Tests.Monitoring;

/// <summary>
/// Chromium (or Chrome) in headless mode, one process per page, driven over the DevTools protocol
/// (<see cref="ChromiumPage"/>): the dashboard is signed in to through its form, then its DOM is read and a picture of
/// it taken. The browser is the <c>CHROMIUM</c> variable's path, or
/// the first of chromium, google-chrome, google-chrome-stable, chromium-browser on PATH (the order
/// scripts/install-chromium.sh uses; that script installs Debian's chromium where none is found).
/// </summary>
public static class HeadlessChromium
{
    private static readonly string[] Names = ["chromium", "google-chrome", "google-chrome-stable", "chromium-browser"];

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
    /// Opens the dashboard at <paramref name="url"/> in a new <paramref name="width"/> × <paramref name="height"/> page
    /// that has no credential, as a person's browser does: the monitoring API answers 401 and the page shows its
    /// sign-in form, alone. Types <paramref name="key"/> into it and clicks <b>Sign in</b>; once the page has drawn
    /// (or failed), checks that the key is neither in the address nor readable by the page's scripts (an HttpOnly
    /// cookie), saves a PNG of the page to <paramref name="screenshot"/> and returns the serialized DOM.
    /// </summary>
    public static async Task<DashboardDom> SignInAsync(Uri url, string key, string screenshot, int width, int height)
    {
        await using var page = await ChromiumPage.OpenAsync(width, height);
        return await SignInAsync(page, url, key, screenshot);
    }

    /// <summary>As <see cref="SignInAsync(Uri, string, string, int, int)"/>, in a page the caller keeps using.</summary>
    public static async Task<DashboardDom> SignInAsync(ChromiumPage page, Uri url, string key, string screenshot)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.NavigateAsync(url);
        await page.WaitUntilAsync("document.body.dataset.state === 'signed-out'", Deadlines.DistributedState, "its sign-in form (data-state=signed-out)");
        var before = new DashboardDom(await page.DomAsync());
        if (before.IsHidden("section", "sign-in-section") || !before.IsHidden("button", "sign-out-button"))
            throw page.Failure("Signed out, the page should show its sign-in form and no Sign out button.");

        await page.TypeAsync("#key-input", key);
        await page.ClickAsync("#sign-in-button");
        await page.WaitUntilAsync(
            "['ready', 'empty', 'error'].includes(document.body.dataset.state) || document.getElementById('sign-in-error').textContent !== ''",
            Deadlines.DistributedState, "its data after signing in (data-state ready, empty or error, or a sign-in error)");

        if ((await page.EvaluateAsync("document.getElementById('sign-in-error').textContent"))?.GetValue<string>() is { Length: > 0 } refused)
            throw page.Failure($"Signing in failed: {refused}");
        var address = (await page.EvaluateAsync("location.href"))?.GetValue<string>() ?? "";
        var cookies = (await page.EvaluateAsync("document.cookie"))?.GetValue<string>() ?? "";
        if (address.Contains(key, StringComparison.Ordinal) || cookies.Contains(key, StringComparison.Ordinal))
            throw page.Failure($"The key must be neither in the address ({address}) nor in a cookie scripts can read ({cookies}).");

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(screenshot))!);
        await page.ScreenshotAsync(screenshot);
        return new DashboardDom(await page.DomAsync());
    }
}
