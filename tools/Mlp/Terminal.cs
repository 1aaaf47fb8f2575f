using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Mlp;

/// <summary>
/// Where a command writes its result: tables and lines for people (Spectre.Console; colours only on a terminal, and
/// never with <c>NO_COLOR</c>), or with <c>--output json</c> the API's JSON, indented, and nothing else.
/// </summary>
public sealed class Terminal
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly TextWriter _output;

    /// <summary>
    /// A terminal writing to <paramref name="output"/>: <paramref name="interactive"/> when it is one (progress bars and
    /// live views are drawn). The process's console has its abilities detected; another writer said to be interactive
    /// (the tests' stand-in for a terminal) gets ANSI, 16 colours and a width of 120.
    /// </summary>
    public Terminal(TextWriter output, bool json, bool interactive)
    {
        _output = output;
        Json = json;
        Interactive = interactive;
        var console = ReferenceEquals(output, System.Console.Out);
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? (console ? AnsiSupport.Detect : AnsiSupport.Yes) : AnsiSupport.No,
            ColorSystem = interactive ? (console ? ColorSystemSupport.Detect : ColorSystemSupport.Standard) : ColorSystemSupport.NoColors,
            Interactive = interactive ? (console ? InteractionSupport.Detect : InteractionSupport.Yes) : InteractionSupport.No,
        });
        // A pipe or a file has no width: tables are laid out as wide as they need.
        if (!interactive)
            Console.Profile.Width = 240;
        else if (!console)
            Console.Profile.Width = 120;
    }

    /// <summary>Whether the output is a terminal (progress bars are drawn only there).</summary>
    public bool Interactive { get; }

    /// <summary>Whether the result is to be JSON.</summary>
    public bool Json { get; }

    /// <summary>The console for people's output.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Writes the API's answer as indented JSON.</summary>
    public void WriteJson(JsonElement answer) => _output.WriteLine(JsonSerializer.Serialize(answer, Indented));

    /// <summary>Writes a table, a panel or a line of markup.</summary>
    public void Write(IRenderable renderable) => Console.Write(renderable);

    /// <summary>Writes a line of plain text (no markup).</summary>
    public void WriteLine(string text) => Console.Write(new Text(text + Environment.NewLine));
}
