using System.Globalization;

namespace Bench;

/// <summary>
/// The CPU time of one Linux process from <c>/proc/&lt;pid&gt;/stat</c>: its own (utime + stime) and that of its
/// children it has waited for (cutime + cstime), in seconds.
/// </summary>
/// <param name="OwnSeconds">User and system time of the process (all its threads).</param>
/// <param name="WaitedChildrenSeconds">User and system time of its children that have ended and been waited for.</param>
public sealed record ProcStat(double OwnSeconds, double WaitedChildrenSeconds)
{
    /// <summary>Clock ticks per second of the times in <c>/proc/&lt;pid&gt;/stat</c> (USER_HZ, 100 on Linux).</summary>
    public const double TicksPerSecond = 100;

    /// <summary>The times of process <paramref name="pid"/>, or null when it has ended or cannot be read.</summary>
    public static ProcStat? Read(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses the one line of <c>/proc/&lt;pid&gt;/stat</c>: the fields after the command name (in parentheses, which may
    /// hold spaces and parentheses, hence the last ')') start at field 3; utime, stime, cutime and cstime are fields 14 to 17.
    /// </summary>
    public static ProcStat Parse(string line)
    {
        var fields = line[(line.LastIndexOf(')') + 2)..].Split(' ');
        double Ticks(int field) => long.Parse(fields[field - 3], CultureInfo.InvariantCulture);
        return new ProcStat((Ticks(14) + Ticks(15)) / TicksPerSecond, (Ticks(16) + Ticks(17)) / TicksPerSecond);
    }
}
