using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Modeling.Bundles;
using Modeling.Features;
using Modeling.Scoring;

namespace Bench;

/// <summary>
/// The naive baseline: one minimal-API web server with the model inside it. <c>POST /predict</c> takes a raw
/// record or an array, featurizes with the same <see cref="Featurizer"/> and scores with the same
/// <see cref="OnnxScorer"/> as the platform, and answers label and probability. No broker, no gateway,
/// no validation answers beyond 400, no events, no tracing. <c>GET /health</c> answers 200 and does nothing else: the
/// target against which the bench measures its HTTP load generator's own floor.
/// </summary>
public sealed class NaiveModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly OnnxScorer _scorer;

    private NaiveModelServer(WebApplication app, OnnxScorer scorer, Uri address)
    {
        _app = app;
        _scorer = scorer;
        Address = address;
    }

    /// <summary>Where it listens.</summary>
    public Uri Address { get; }

    /// <summary>Starts the server on a free port of 127.0.0.1.</summary>
    public static async Task<NaiveModelServer> StartAsync(ModelBundle bundle)
    {
        var scorer = OnnxScorer.Load(bundle.Card, bundle.Onnx);
        var featurizer = Featurizer.Create(bundle.Card);
        var labels = bundle.Card.Output.Labels;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok());
        app.MapPost("/predict", async (HttpRequest request) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            var records = document.RootElement.ValueKind == JsonValueKind.Array ? [.. document.RootElement.EnumerateArray()] : new[] { document.RootElement };
            var features = new float[records.Length * featurizer.Width];
            for (var row = 0; row < records.Length; row++)
            {
                if (!featurizer.Featurize(new JsonRecord(records[row]), features.AsSpan(row * featurizer.Width, featurizer.Width)).IsValid)
                    return Results.BadRequest();
            }

            var scores = new ModelScore[records.Length];
            scorer.Score(features, scores);
            return Results.Ok(scores.Select(score => new { label = labels[score.LabelIndex], probability = score.Probability }));
        });
        await app.StartAsync();
        return new NaiveModelServer(app, scorer, new Uri(app.Urls.First()));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _scorer.Dispose();
    }
}
