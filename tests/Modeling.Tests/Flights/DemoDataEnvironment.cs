using Modeling.Flights;

namespace Modeling.Tests.Flights;

/// <summary>
/// DEMO_DATA_DIR is process-wide: the tests that change it and the tests that look the demo file up take
/// turns here, so a reader test never sees another test's temporary setting.
/// </summary>
internal static class DemoDataEnvironment
{
    public const string Variable = "DEMO_DATA_DIR";

    private static readonly Lock Gate = new();

    /// <summary>The real demo file (the tests using it are <see cref="DemoDataFactAttribute"/>s).</summary>
    public static string FlightsFile()
    {
        lock (Gate)
            return DemoData.RequireFlightsFile();
    }

    /// <summary>Runs <paramref name="action"/> with DEMO_DATA_DIR set to <paramref name="value"/> (null: unset), then restores it.</summary>
    public static T With<T>(string? value, Func<T> action)
    {
        lock (Gate)
        {
            var previous = Environment.GetEnvironmentVariable(Variable);
            Environment.SetEnvironmentVariable(Variable, value);
            try
            {
                return action();
            }
            finally
            {
                Environment.SetEnvironmentVariable(Variable, previous);
            }
        }
    }
}
