using System.Globalization;
using System.Text.Json;
using Modeling.Bundles;
using Modeling.Features;
using Modeling.Flights;

namespace Bench;

/// <summary>Real February 2001 flights as the requests of every path: raw JSON records and their feature rows.</summary>
public sealed class BenchData
{
    private BenchData(ModelBundle bundle, string[] records, float[] features, int width)
    {
        Bundle = bundle;
        Records = records;
        Features = features;
        Width = width;
    }

    /// <summary>The served model (the bootstrap bundle).</summary>
    public ModelBundle Bundle { get; }

    /// <summary>Each flight as a JSON object, the body of a single-record request.</summary>
    public string[] Records { get; }

    /// <summary>Each flight's feature row, row-major.</summary>
    public float[] Features { get; }

    /// <summary>Floats per row.</summary>
    public int Width { get; }

    /// <summary>Reads <paramref name="count"/> flights from February 2001 and featurizes them with the model's card.</summary>
    public static async Task<BenchData> LoadAsync(string modelFolder, int count)
    {
        var read = await ModelBundle.ReadAsync(modelFolder, CancellationToken.None);
        var bundle = read.Bundle ?? throw new InvalidOperationException($"No usable model bundle in {modelFolder}: {string.Join("; ", read.Errors)}");
        var featurizer = Featurizer.Create(bundle.Card);
        var records = new List<string>(count);
        var features = new float[count * featurizer.Width];
        await foreach (var flight in FlightsParquetReader.ReadAsync(DemoData.RequireFlightsFile(), new DateTime(2001, 2, 1), new DateTime(2001, 3, 1)))
        {
            var json = JsonSerializer.Serialize(new
            {
                date = flight.Date.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                origin = flight.Origin,
                destination = flight.Destination,
                distance = flight.Distance,
            });
            using var document = JsonDocument.Parse(json);
            if (!featurizer.Featurize(new JsonRecord(document.RootElement), features.AsSpan(records.Count * featurizer.Width, featurizer.Width)).IsValid)
                continue;
            records.Add(json);
            if (records.Count == count)
                break;
        }

        return new BenchData(bundle, [.. records], features[..(records.Count * featurizer.Width)], featurizer.Width);
    }

    /// <summary>The JSON body of <paramref name="size"/> records starting at record <paramref name="start"/> (an object for 1, an array otherwise).</summary>
    public string RawBody(int start, int size) =>
        size == 1 ? Records[start % Records.Length] : "[" + string.Join(',', Enumerable.Range(start, size).Select(index => Records[index % Records.Length])) + "]";

    /// <summary>The Open Inference Protocol body of <paramref name="size"/> feature rows starting at row <paramref name="start"/>.</summary>
    public string TensorBody(int start, int size)
    {
        var rows = Enumerable.Range(start, size).Select(index => index % Records.Length)
            .SelectMany(row => Features.AsSpan(row * Width, Width).ToArray()).ToArray();
        return JsonSerializer.Serialize(new
        {
            inputs = new[] { new { name = Bundle.Card.Input.Name, shape = new[] { size, Width }, datatype = "FP32", data = rows } },
        });
    }
}
