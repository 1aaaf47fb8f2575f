using System.Globalization;

namespace Bench;

/// <summary>
/// The bytes a .NET service has allocated on its managed heap since it started, from its Prometheus <c>/metrics</c>:
/// the runtime's <c>System.Runtime</c> meter (on .NET 9 and later, enabled by the OpenTelemetry runtime instrumentation)
/// exports <c>dotnet.gc.heap.total_allocated</c> as <see cref="Counter"/>.
/// </summary>
public static class AllocatedBytes
{
    /// <summary>The counter's name in the Prometheus text.</summary>
    public const string Counter = "dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>The counter of the service whose metrics are at <paramref name="metrics"/>, or null when it cannot be read.</summary>
    public static async Task<long?> ReadAsync(HttpClient client, Uri metrics)
    {
        try
        {
            return Parse(await client.GetStringAsync(metrics));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The sum of the counter's samples in Prometheus text (one per label set; the runtime has one), or null when it is absent.</summary>
    public static long? Parse(string prometheusText)
    {
        long? total = null;
        foreach (var line in prometheusText.Split('\n'))
        {
            // "name{labels} value [timestamp]" or "name value [timestamp]"; comments start with '#'.
            if (!line.StartsWith(Counter, StringComparison.Ordinal) || line.Length == Counter.Length || line[Counter.Length] is not ('{' or ' '))
                continue;
            var sample = line[Counter.Length] == '{' ? line[(line.LastIndexOf('}') + 1)..] : line[Counter.Length..];
            var value = sample.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            total = (total ?? 0) + (long)double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return total;
    }
}
