using System.Globalization;
using System.Text;

namespace Integration.Tests.Batches;

/// <summary>Batch inputs the tests upload: flight-like rows, with an invalid distance every so many rows.</summary>
public static class BatchInputs
{
    private static readonly string[] Airports = ["ORD", "ATL", "DFW", "LAX", "DEN", "JFK", "SFO", "BOS"];

    /// <summary>
    /// A CSV with a header and <paramref name="rows"/> rows (entity key <c>F{row}</c>); every row whose number
    /// is a multiple of <paramref name="invalidEvery"/> has the distance <c>abc</c>.
    /// </summary>
    public static string Csv(int rows, int invalidEvery)
    {
        var csv = new StringBuilder("origin,destination,distance,date,entityKey\n");
        for (var row = 1; row <= rows; row++)
        {
            var distance = row % invalidEvery == 0 ? "abc" : (200 + (row % 2000)).ToString(CultureInfo.InvariantCulture);
            var date = new DateTime(2001, 1, 1).AddMinutes(row * 7L % 250_000).ToString("s", CultureInfo.InvariantCulture);
            csv.Append(Airports[row % Airports.Length]).Append(',')
                .Append(Airports[(row / 3) % Airports.Length]).Append(',')
                .Append(distance).Append(',')
                .Append(date).Append(",F").Append(row).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>The numbers of the valid rows of <see cref="Csv"/>, in order.</summary>
    public static IEnumerable<long> ValidRows(int rows, int invalidEvery) =>
        Enumerable.Range(1, rows).Where(row => row % invalidEvery != 0).Select(row => (long)row);
}
