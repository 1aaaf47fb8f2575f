using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace Integration.Tests.Monitoring;

/// <summary>
/// One page in headless Chromium, driven over the DevTools protocol (a WebSocket to the browser; no package): open a
/// URL, wait for what the page's scripts say in <c>&lt;body data-state&gt;</c>, type into a field and click a button as
/// a person would (real key and mouse input, so the page's own handlers run), then read the DOM and take a screenshot.
/// A browser of its own per page, with a fresh profile: no cookie outlives it.
/// </summary>
public sealed partial class ChromiumPage : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private const int LogLinesKept = 200;

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _receiving = Task.CompletedTask;
    private int _nextId;
    private string? _sessionId;

    private ChromiumPage(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>What the browser and the page wrote (the browser's stderr, console messages, uncaught exceptions), for failure messages.</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>Starts a browser with one blank page of <paramref name="width"/> × <paramref name="height"/> CSS pixels.</summary>
    public static async Task<ChromiumPage> OpenAsync(int width, int height)
    {
        // A profile of its own: no first-run state, no cookie from another test, and runs in parallel do not share one.
        var profile = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"it-chromium-{Guid.NewGuid():N}")).FullName;
        var start = new ProcessStartInfo(HeadlessChromium.Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --no-sandbox: tests may run as root (containers, CI), where Chromium refuses its sandbox. Port 0: the browser
        // picks a free port and prints the DevTools address on stderr.
        foreach (var argument in new[]
                 {
                     "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--hide-scrollbars", "--remote-debugging-port=0", $"--window-size={width},{height}",
                     $"--user-data-dir={profile}", "about:blank",
                 })
            start.ArgumentList.Add(argument);

        var process = Process.Start(start) ?? throw new XunitException($"Could not start {start.FileName}.");
        var page = new ChromiumPage(process, profile);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
                return;
            page.Record(line.Data);
            if (DevToolsAddress().Match(line.Data) is { Success: true } match)
                listening.TrySetResult(match.Groups["address"].Value);
        };
        process.OutputDataReceived += (_, line) => page.Record(line.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(StartTimeout);
            await page.ConnectAsync(new Uri(address), width, height);
            return page;
        }
        catch (Exception exception) when (exception is TimeoutException or WebSocketException)
        {
            var failure = new XunitException($"{start.FileName} did not open its DevTools connection within {StartTimeout.TotalSeconds} s: {exception.Message}\n{page.Log}");
            await page.DisposeAsync();
            throw failure;
        }
    }

    /// <summary>Loads <paramref name="url"/> (returns when the navigation is committed; wait for the page's state after it).</summary>
    public async Task NavigateAsync(Uri url)
    {
        var result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
        if (result?["errorText"]?.GetValue<string>() is { Length: > 0 } error)
            throw Failure($"Opening {url} failed: {error}");
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page (promises awaited) and returns its value as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        });
        if (result?["exceptionDetails"] is { } exception)
            throw Failure($"The page threw evaluating {expression}: {exception.ToJsonString()}");
        return result?["result"]?["value"]?.DeepClone();
    }

    /// <summary>
    /// Polls <paramref name="condition"/> (a JavaScript expression) until it is true; fails with <paramref name="what"/>
    /// and the page's <c>&lt;body data-state&gt;</c> when <paramref name="timeout"/> passes first. A page that is
    /// navigating (no document to ask) is asked again.
    /// </summary>
    public async Task WaitUntilAsync(string condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < timeout)
        {
            try
            {
                if ((await EvaluateAsync($"Boolean({condition})"))?.GetValue<bool>() == true)
                    return;
            }
            catch (XunitException exception)
            {
                // "Execution context was destroyed" or "Cannot find context" while the page reloads.
                last = exception.Message.Split('\n')[0];
            }

            await Task.Delay(PollInterval);
        }

        string? state = null;
        try
        {
            state = (await EvaluateAsync("document.body ? document.body.dataset.state ?? null : null"))?.GetValue<string>();
        }
        catch (XunitException)
        {
            // Reported as unknown.
        }

        throw Failure($"The page did not reach {what} within {timeout.TotalSeconds:0} s: data-state={state ?? "unknown"}. {last}");
    }

    /// <summary>Focuses the element <paramref name="selector"/> matches and types <paramref name="text"/> into it, as a keyboard would.</summary>
    public async Task TypeAsync(string selector, string text)
    {
        var found = await EvaluateAsync($"(() => {{ const element = document.querySelector({JsonSerializer.Serialize(selector)}); if (!element) return false; element.focus(); return document.activeElement === element; }})()");
        if (found?.GetValue<bool>() != true)
            throw Failure($"No focusable element matches {selector}.");
        await SendAsync("Input.insertText", new JsonObject { ["text"] = text });
    }

    /// <summary>
    /// Sets the value of the input or select <paramref name="selector"/> matches to <paramref name="value"/> and fires its
    /// <c>input</c> and <c>change</c> events, as a person's choice in a list or a date picker does (those take no typed text).
    /// </summary>
    public async Task SetValueAsync(string selector, string value)
    {
        var set = await EvaluateAsync($"(() => {{ const element = document.querySelector({JsonSerializer.Serialize(selector)}); if (!element) return null; element.focus(); element.value = {JsonSerializer.Serialize(value)}; element.dispatchEvent(new Event('input', {{ bubbles: true }})); element.dispatchEvent(new Event('change', {{ bubbles: true }})); return element.value; }})()");
        if (set is null)
            throw Failure($"No element matches {selector}.");
        if (set.GetValue<string>() != value)
            throw Failure($"{selector} did not take the value '{value}' (it holds '{set.GetValue<string>()}').");
    }

    /// <summary>Clicks the middle of the element <paramref name="selector"/> matches with the mouse's left button.</summary>
    public async Task ClickAsync(string selector)
    {
        var box = await EvaluateAsync($"(() => {{ const element = document.querySelector({JsonSerializer.Serialize(selector)}); if (!element) return null; element.scrollIntoView({{ block: 'center' }}); const box = element.getBoundingClientRect(); return box.width > 0 && box.height > 0 ? {{ x: box.x + box.width / 2, y: box.y + box.height / 2 }} : null; }})()")
            ?? throw Failure($"No visible element matches {selector}.");
        var (x, y) = (box["x"]!.GetValue<double>(), box["y"]!.GetValue<double>());
        await SendAsync("Input.dispatchMouseEvent", new JsonObject { ["type"] = "mouseMoved", ["x"] = x, ["y"] = y });
        foreach (var type in new[] { "mousePressed", "mouseReleased" })
            await SendAsync("Input.dispatchMouseEvent", new JsonObject { ["type"] = type, ["x"] = x, ["y"] = y, ["button"] = "left", ["clickCount"] = 1 });
    }

    /// <summary>The page's DOM as it is now, serialized (as <c>--dump-dom</c> would print it).</summary>
    public async Task<string> DomAsync() =>
        (await EvaluateAsync("document.documentElement.outerHTML"))?.GetValue<string>() ?? throw Failure("The page has no document.");

    /// <summary>Saves a PNG of the page's viewport to <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        var data = result?["data"]?.GetValue<string>() ?? throw Failure("The browser returned no screenshot.");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(data));
    }

    /// <summary>An assertion failure with what the browser and the page logged.</summary>
    public XunitException Failure(string message) => new($"{message}\n--- browser and page log ---\n{Log}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await SendAsync("Browser.close", new JsonObject(), session: false).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception exception) when (exception is TimeoutException or WebSocketException or XunitException or OperationCanceledException)
        {
            // Killed below.
        }

        await _closing.CancelAsync();
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            // Gone already, or killed but not yet reaped.
        }

        await _receiving.ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _process.Dispose();
        _closing.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The browser's helpers may still hold a file for a moment; the temp folder is cleaned by the system.
        }
    }

    private async Task ConnectAsync(Uri address, int width, int height)
    {
        await _socket.ConnectAsync(address, CancellationToken.None);
        _receiving = Task.Run(ReceiveAsync);
        var target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, session: false);
        var attached = await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target!["targetId"]!.GetValue<string>(), ["flatten"] = true }, session: false);
        _sessionId = attached!["sessionId"]!.GetValue<string>();
        await SendAsync("Page.enable", new JsonObject());
        await SendAsync("Runtime.enable", new JsonObject());
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });
    }

    private async Task<JsonNode?> SendAsync(string method, JsonObject parameters, bool session = true)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (session)
            message["sessionId"] = _sessionId ?? throw new InvalidOperationException("No page is attached yet.");
        var answer = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, _closing.Token);
        try
        {
            return await answer.Task.WaitAsync(CommandTimeout);
        }
        catch (TimeoutException)
        {
            throw Failure($"The browser did not answer {method} within {CommandTimeout.TotalSeconds} s.");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    // Answers complete their commands; of the events, the page's console messages and uncaught exceptions are logged.
    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                    break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                    continue;
                var node = JsonNode.Parse(message.ToArray());
                message.SetLength(0);
                if (node?["id"]?.GetValue<int>() is { } id)
                {
                    if (_pending.TryGetValue(id, out var answer))
                    {
                        if (node["error"] is { } error)
                            answer.TrySetException(Failure($"DevTools command {id} failed: {error.ToJsonString()}"));
                        else
                            answer.TrySetResult(node["result"]);
                    }
                }
                else if (node?["method"]?.GetValue<string>() is "Runtime.consoleAPICalled" or "Runtime.exceptionThrown")
                {
                    Record($"page: {node["params"]?.ToJsonString()}");
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // The browser closed or the page is being disposed.
        }

        foreach (var answer in _pending.Values)
            answer.TrySetException(Failure("The browser closed its DevTools connection."));
    }

    private void Record(string? line)
    {
        if (line is null)
            return;
        _log.Enqueue(line);
        while (_log.Count > LogLinesKept && _log.TryDequeue(out _))
        {
        }
    }

    [GeneratedRegex(@"DevTools listening on (?<address>ws://\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex DevToolsAddress();
}
