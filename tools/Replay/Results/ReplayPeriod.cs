using System.Globalization;

namespace Replay.Results;

/// <summary>The stretch of stream time the report gives one row to (<c>--period</c>).</summary>
public enum ReplayPeriod
{
    /// <summary>A calendar month, e.g. <c>2001-02</c>.</summary>
    Month,

    /// <summary>A calendar quarter, e.g. <c>2013-Q1</c>.</summary>
    Quarter,

    /// <summary>A calendar year, e.g. <c>2013</c>.</summary>
    Year,
}

/// <summary>Where periods start and what they are called.</summary>
public static class ReplayPeriods
{
    /// <summary>The period's length in months.</summary>
    public static int Months(this ReplayPeriod period) => period switch
    {
        ReplayPeriod.Month => 1,
        ReplayPeriod.Quarter => 3,
        _ => 12,
    };

    /// <summary>The start of the period that holds <paramref name="time"/>.</summary>
    public static DateTime StartOf(this ReplayPeriod period, DateTime time)
    {
        var months = period.Months();
        return new DateTime(time.Year, (time.Month - 1) / months * months + 1, 1);
    }

    /// <summary>The name of the period starting at <paramref name="start"/>: <c>2001-02</c>, <c>2013-Q1</c> or <c>2013</c>.</summary>
    public static string NameOf(this ReplayPeriod period, DateTime start) => period switch
    {
        ReplayPeriod.Month => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        ReplayPeriod.Quarter => string.Create(CultureInfo.InvariantCulture, $"{start.Year}-Q{(start.Month - 1) / 3 + 1}"),
        _ => start.Year.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The option's value as the report's column header: <c>month</c>, <c>quarter</c>, <c>year</c>.</summary>
    public static string Word(this ReplayPeriod period) => period switch
    {
        ReplayPeriod.Month => "month",
        ReplayPeriod.Quarter => "quarter",
        _ => "year",
    };

    /// <summary>The period a name (<c>month</c>, <c>quarter</c>, <c>year</c>) stands for.</summary>
    public static ReplayPeriod Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "month" => ReplayPeriod.Month,
        "quarter" => ReplayPeriod.Quarter,
        "year" => ReplayPeriod.Year,
        _ => throw new FormatException($"'{name}' is not a period (month, quarter or year)"),
    };
}
