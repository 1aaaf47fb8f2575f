using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Integration.Tests.Retraining;

/// <summary>
/// A model's uploaded training dataset through the public API of the embedded host, for the team's own multiclass model
/// of <see cref="AnyModelRetrainingTests"/>: bad uploads are refused naming the field, a good one is described, a
/// <c>recent-plus-earlier</c> retraining takes its rows as earlier data (<c>data.earlierRows</c>) and the challenger's
/// lineage names it; once deleted, the next job does without it.
/// </summary>
[StartEarly]
public sealed class TrainingDatasetTests
{
    private const string DatasetPath = $"{ParcelModel.Path}/training-dataset";
    private const int Records = 300;

    [Fact]
    public async Task An_uploaded_dataset_is_described_trained_on_by_recent_plus_earlier_named_in_the_lineage_and_no_longer_used_once_deleted()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"it-training-dataset-{Guid.NewGuid():N}");
        try
        {
            await using var host = ServiceProcess.Start("Embedded", ParcelModel.EmbeddedSettings(dataFolder, new Dictionary<string, string>
            {
                ["Retraining__Policy"] = "recent-plus-earlier",
                ["Retraining__MaxEarlierRows"] = "300",
                ["Retraining__MinRows"] = Records.ToString(CultureInfo.InvariantCulture),
                ["Retraining__HoldoutShare"] = "0.25",
                ["Retraining__Trees"] = "30",
                ["Retraining__Leaves"] = "8",
                ["Retraining__MinimumRowsPerLeaf"] = "10",
                // Every challenger is registered (single: serving at once), so each job's lineage can be read.
                ["Retraining__Margin"] = "-1",
                ["Retraining__RolloutStrategy"] = "single",
            }));
            await host.WaitUntilLiveAsync(Deadlines.ProcessStart);
            await ParcelModel.RegisterAsync(host);
            var random = new Random(23);
            var dataset = Enumerable.Range(0, 500).Select(_ => ParcelModel.Record(random)).ToList();

            // Refused: a model the registry does not have, a body of another type, a file that is not what it says, no label column.
            using (var unknown = await host.Client.PutAsync(new Uri("/api/v1/models/no-such-model/training-dataset", UriKind.Relative), Csv(dataset, "size")))
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            using (var json = await host.Client.PutAsync(new Uri(DatasetPath, UriKind.Relative), JsonContent.Create(new { x = 1 })))
                Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
            var notParquet = Csv(dataset, "size");
            notParquet.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.apache.parquet");
            Assert.Contains("not a Parquet file", await RefusedAsync(host, notParquet, "dataset"), StringComparison.Ordinal);
            Assert.Contains("column 'size'", await RefusedAsync(host, Csv(dataset, "kind"), "dataset.size"), StringComparison.Ordinal);
            Assert.Contains("no 'dataset' part", await RefusedAsync(host, new MultipartFormDataContent { { Csv(dataset, "size"), "reference", "parcels.csv" } }, "dataset"), StringComparison.Ordinal);
            using (var nothing = await host.Client.GetAsync(new Uri(DatasetPath, UriKind.Relative)))
                Assert.Equal(HttpStatusCode.NotFound, nothing.StatusCode);

            // A JSON Lines body, then a CSV file as a multipart part, which replaces it.
            var lines = string.Join("\n", dataset.Select(record => Row(record).ToJsonString()));
            using (var body = await host.Client.PutAsync(new Uri(DatasetPath, UriKind.Relative), new StringContent(lines, Encoding.UTF8, "application/x-ndjson")))
            {
                var first = await body.Content.ReadFromJsonAsync<JsonElement>();
                Assert.True(body.StatusCode == HttpStatusCode.OK, first.ToString());
                Assert.Equal(("dataset.jsonl", "jsonl", 500L), (first.GetProperty("fileName").GetString(), first.GetProperty("format").GetString(), first.GetProperty("rows").GetInt64()));
            }

            var csv = Csv(dataset, "size");
            var csvBytes = await csv.ReadAsByteArrayAsync();
            using var multipart = new MultipartFormDataContent { { csv, "dataset", "parcels-2023.csv" } };
            using (var replaced = await host.Client.PutAsync(new Uri(DatasetPath, UriKind.Relative), multipart))
                Assert.True(replaced.StatusCode == HttpStatusCode.OK, await replaced.Content.ReadAsStringAsync());
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(csvBytes));
            var described = await host.Client.GetFromJsonAsync<JsonElement>(new Uri(DatasetPath, UriKind.Relative));
            Assert.Equal(
                ("parcel-size", "parcels-2023.csv", "csv", (long)csvBytes.Length, sha256, 500L, 500L, "size", "1", $"uploaded:parcels-2023.csv@{sha256[..12]}"),
                (described.GetProperty("model").GetString(), described.GetProperty("fileName").GetString(), described.GetProperty("format").GetString(),
                    described.GetProperty("sizeBytes").GetInt64(), described.GetProperty("sha256").GetString(), described.GetProperty("rows").GetInt64(),
                    described.GetProperty("labelledRows").GetInt64(), described.GetProperty("labelField").GetString(), described.GetProperty("checkedWithVersion").GetString(),
                    described.GetProperty("lineage").GetString()));
            var document = await host.Client.GetFromJsonAsync<JsonElement>(new Uri("/openapi/public.json", UriKind.Relative));
            Assert.Contains(document.GetProperty("paths").EnumerateObject(), path => path.Name.TrimEnd('/') == "/api/v1/models/{model}/training-dataset");

            // Recent rows from predictions and their feedback; the earlier ones from the dataset: 300 of its 500.
            await ParcelModel.PredictAndSendOutcomesAsync(host, Records, random);
            var job = await ParcelModel.RetrainOnEveryOutcomeAsync(host);
            Assert.True(job.GetProperty("state").GetString() == "succeeded", job.ToString());
            Assert.Equal((300, 225 + 300), (job.GetProperty("data").GetProperty("earlierRows").GetInt32(), job.GetProperty("data").GetProperty("trainingRows").GetInt32()));
            Assert.Equal($"retrainer:labelled-outcomes + uploaded:parcels-2023.csv@{sha256[..12]}", await LineageDatasetAsync(host, job));

            using (var deleted = await host.Client.DeleteAsync(new Uri(DatasetPath, UriKind.Relative)))
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            using (var gone = await host.Client.GetAsync(new Uri(DatasetPath, UriKind.Relative)))
                Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            using (var again = await host.Client.DeleteAsync(new Uri(DatasetPath, UriKind.Relative)))
                Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

            await Poll.UntilAsync(
                async () => (await Poll.TryGetJsonAsync(host.Client, $"{ParcelModel.Path}/versions", host.Failure)) is { } versions
                    && versions.GetProperty("servedVersion").GetString() == job.GetProperty("challengerVersion").GetString(),
                Deadlines.DistributedState, "the challenger to serve", host.Failure);
            var next = await ParcelModel.RetrainOnEveryOutcomeAsync(host);
            Assert.True(next.GetProperty("state").GetString() == "succeeded", next.ToString());
            Assert.Equal((0, 225), (next.GetProperty("data").GetProperty("earlierRows").GetInt32(), next.GetProperty("data").GetProperty("trainingRows").GetInt32()));
            Assert.Equal("retrainer:labelled-outcomes", await LineageDatasetAsync(host, next));
        }
        finally
        {
            if (Directory.Exists(dataFolder))
                Directory.Delete(dataFolder, recursive: true);
        }
    }

    // A record with its size under `labelColumn`.
    private static JsonObject Row((object Input, string Size) record, string labelColumn = "size")
    {
        var row = JsonSerializer.SerializeToNode(record.Input)!.AsObject();
        row[labelColumn] = record.Size;
        return row;
    }

    private static StringContent Csv(IEnumerable<(object Input, string Size)> records, string labelColumn)
    {
        var text = new StringBuilder($"x,color,shape,sent,{labelColumn}\n");
        foreach (var record in records)
        {
            var row = Row(record, labelColumn);
            text.AppendJoin(',', new[] { "x", "color", "shape", "sent", labelColumn }.Select(field => row[field]!.ToString())).Append('\n');
        }

        return new StringContent(text.ToString(), Encoding.UTF8, "text/csv");
    }

    // A 400 validation problem with an error under `field`; its message.
    private static async Task<string> RefusedAsync(ServiceProcess host, HttpContent content, string field)
    {
        using var refused = await host.Client.PutAsync(new Uri(DatasetPath, UriKind.Relative), content);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, problem.ToString());
        Assert.Equal(("tag:ml-platform,2025:problems/validation-failed", "Invalid training dataset"), (problem.GetProperty("type").GetString(), problem.GetProperty("title").GetString()));
        return problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
    }

    private static async Task<string?> LineageDatasetAsync(ServiceProcess host, JsonElement job)
    {
        var version = await host.Client.GetFromJsonAsync<JsonElement>(
            new Uri($"{ParcelModel.Path}/versions/{job.GetProperty("challengerVersion").GetString()}", UriKind.Relative));
        return version.GetProperty("card").GetProperty("lineage").GetProperty("dataset").GetString();
    }
}
