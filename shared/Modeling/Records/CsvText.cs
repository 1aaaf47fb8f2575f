using System.Globalization;

namespace Modeling.Records;

/// <summary>
/// The one way the platform writes a CSV cell (batch results and invalid rows, exported training data), and reads back
/// what it wrote. A text cell a spreadsheet would run as a formula — one that starts with <c>=</c>, <c>+</c>, <c>-</c>,
/// <c>@</c>, a tab or a carriage return and is not a number — is written with a leading <c>'</c> (OWASP's CSV injection
/// advice), so opening a results file never runs what a client put in an entity key or a label. Numbers are never changed:
/// a number cell (<see cref="Number(double)"/>) and a text cell holding a number (<c>-5</c>, <c>+1.5e3</c>) stay as they
/// are. Text that already starts with quotes before such a formula gets one more, so what is read back is exactly what
/// was written (<see cref="Restored"/>). Then a cell with a comma, a quote or a line break is quoted, quotes doubled (RFC 4180).
/// </summary>
public static class CsvText
{
    private const char Neutralizer = '\'';

    /// <summary>A text cell: neutralized when a spreadsheet would run it as a formula, then quoted when it must be; empty for null.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        var cell = NeedsNeutralizer(value) ? Neutralizer + value : value;
        return cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }

    /// <summary>A number cell, as written (round-trip precision, invariant culture); empty when it is not finite.</summary>
    public static string Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>A number cell of a float, as written (round-trip precision, invariant culture); empty when it is not finite.</summary>
    public static string Number(float value) => float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>
    /// The text a cell read from a CSV file stands for: a cell <see cref="Text"/> neutralized loses its leading <c>'</c>, so
    /// a file the platform wrote reads back as what was written into it.
    /// </summary>
    public static string Restored(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Length > 1 && cell[0] == Neutralizer && NeedsNeutralizer(cell[1..]) ? cell[1..] : cell;
    }

    /// <summary>Whether a spreadsheet would run <paramref name="value"/> as a formula: it starts with <c>= + - @</c>, a tab or a carriage return and is not a number.</summary>
    public static bool RunsAsFormula(string value) =>
        value is [('=' or '+' or '-' or '@' or '\t' or '\r'), ..]
        && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    // A formula, or a formula behind quotes of its own ('=x): the writer adds one quote to both, so the reader takes exactly one away.
    private static bool NeedsNeutralizer(string value) => RunsAsFormula(value.TrimStart(Neutralizer));
}
