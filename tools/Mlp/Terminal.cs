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

    /// <summary>A terminal writing to <paramref name="output"/>.</summary>
    public Terminal(TextWriter output, bool json, bool interactive)
    {
        _output = output;
        Json = json;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // A pipe or a file has no width: tables are laid out as wide as they need.
        if (!interactive)
            Console.Profile.Width = 240;
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
