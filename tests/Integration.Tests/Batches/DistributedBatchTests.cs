using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Integration.Tests.Online;

namespace Integration.Tests.Batches;

/// <summary>
/// Batch predictions in the distributed mode: uploaded through the gateway, split by FeatureBuilder into
/// chunks on RabbitMQ, scored by two competing Inference replicas, stored, downloaded through the gateway;
/// and surviving the crash of FeatureBuilder and of an Inference replica in the middle of a batch.
/// </summary>
[Collection(SharedDistributedSystem.Name)]
public sealed class DistributedBatchTests(SharedSystem system)
{
    private const string BatchesPath = $"/api/v1/models/{TestModel.Name}/batches";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task A_multipart_upload_through_the_gateway_is_scored_and_its_results_downloaded_in_input_order()
    {
        var input = BatchInputs.Csv(rows: 2_600, invalidEvery: 1000);
        using var form = new MultipartFormDataContent();
        using var file = new ByteArrayContent(Encoding.UTF8.GetBytes(input));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "flights.csv");

        using var submitted = await system.Client.PostAsync(new Uri(BatchesPath, UriKind.Relative), form);

        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        var location = submitted.Headers.Location!.ToString();
        var status = await WaitUntilFinishedAsync(system.Client, location);
        Assert.Equal("completed", status.GetProperty("state").GetString());
        Assert.Equal("flights.csv", status.GetProperty("input").GetProperty("name").GetString());
        Assert.Equal(2_600, status.GetProperty("rows").GetProperty("read").GetInt64());
        Assert.Equal(2, status.GetProperty("rows").GetProperty("invalid").GetInt64());
        Assert.Equal(2_598, status.GetProperty("rows").GetProperty("scored").GetInt64());

        var results = await DownloadCsvAsync(system.Client, location + "/results");
        Assert.Equal(BatchInputs.ValidRows(2_600, 1000), results.Select(row => row.Row));
        Assert.All(results, row => Assert.Equal(row.Probability >= 0.5 ? "late" : "on-time", row.Label));
        Assert.Equal($"F{results[^1].Row}", results[^1].EntityKey);
    }

    [Fact]
    public async Task Killing_FeatureBuilder_and_an_Inference_replica_mid_batch_still_scores_every_row_exactly_once()
    {
        const int Rows = 120_000;
        const int InvalidEvery = 997;
        using var content = new StringContent(BatchInputs.Csv(Rows, InvalidEvery), Encoding.UTF8, "text/csv");
        using var submitted = await system.Client.PostAsync(new Uri(BatchesPath, UriKind.Relative), content);
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        var location = submitted.Headers.Location!.ToString();

        // FeatureBuilder dies while it reads and sends chunks; the restarted one resumes the batch. Each kill comes early
        // in the batch's 240 chunks, so it still runs however late a busy machine lets the test see the count.
        await WaitForChunksScoredAsync(location, 20);
        using (var early = await system.Client.GetAsync(new Uri(location + "/results", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            Assert.NotNull(early.Headers.RetryAfter);
        }

        var featureBuilder = await system.KillAndRestartAsync("featurebuilder");
        // An Inference replica dies while it scores; its unacknowledged chunk goes to the other one.
        await WaitForChunksScoredAsync(location, 40, featureBuilder);
        await system.KillAndRestartAsync("inference-1");

        var status = await WaitUntilFinishedAsync(featureBuilder.Client, location);
        Assert.Equal("completed", status.GetProperty("state").GetString());
        var expected = BatchInputs.ValidRows(Rows, InvalidEvery).ToArray();
        Assert.Equal(Rows, status.GetProperty("rows").GetProperty("read").GetInt64());
        Assert.Equal(Rows - expected.Length, status.GetProperty("rows").GetProperty("invalid").GetInt64());
        Assert.Equal(expected.Length, status.GetProperty("rows").GetProperty("scored").GetInt64());

        var results = await DownloadCsvAsync(featureBuilder.Client, location + "/results");
        Assert.Equal(expected, results.Select(row => row.Row));
        var errors = (await featureBuilder.Client.GetStringAsync(new Uri(location + "/errors", UriKind.Relative)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("row").GetInt64());
        Assert.Equal(Enumerable.Range(1, Rows).Where(row => row % InvalidEvery == 0).Select(row => (long)row), errors);

        // The restarted services serve predictions again, for the test classes that share this system.
        await system.WaitUntilPredictingAsync();
    }

    private async Task WaitForChunksScoredAsync(string location, int chunks, ServiceProcess? featureBuilder = null)
    {
        var client = (featureBuilder ?? system.Service("featurebuilder")).Client;
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < Deadlines.LongWork)
        {
            // Straight from FeatureBuilder, which may have just been restarted: a failed or transient answer is "not yet".
            if (await Poll.TryGetJsonAsync(client, location, message => system.Failure(message), answer => last = answer) is { } status)
            {
                if (status.GetProperty("chunks").GetProperty("scored").GetInt32() >= chunks)
                {
                    Assert.Equal("running", status.GetProperty("state").GetString());
                    return;
                }

                last = status.ToString();
            }

            await Task.Delay(PollInterval);
        }

        throw system.Failure($"The batch did not reach {chunks} scored chunks within {Deadlines.LongWork.TotalSeconds:0} s; last: {last}");
    }

    private async Task<JsonElement> WaitUntilFinishedAsync(HttpClient client, string location)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < Deadlines.LongWork)
        {
            if (await Poll.TryGetJsonAsync(client, location, message => system.Failure(message), answer => last = answer) is { } status)
            {
                if (status.GetProperty("state").GetString() is "completed" or "failed")
                    return status;
                last = status.ToString();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw system.Failure($"The batch did not finish within {Deadlines.LongWork.TotalSeconds:0} s; last status: {last}");
    }

    private static async Task<List<ResultRow>> DownloadCsvAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path + "?format=csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,entityKey,label,probability,value", lines[0]);
        return lines.Skip(1).Select(ResultRow.Parse).ToList();
    }

    private sealed record ResultRow(long Row, string EntityKey, string Label, double Probability)
    {
        public static ResultRow Parse(string line)
        {
            var fields = line.Split(',');
            return new ResultRow(long.Parse(fields[0], CultureInfo.InvariantCulture), fields[1], fields[2], double.Parse(fields[3], CultureInfo.InvariantCulture));
        }
    }
}
