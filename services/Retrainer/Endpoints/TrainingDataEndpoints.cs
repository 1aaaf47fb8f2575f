using System.Globalization;
using Modeling.Cards;
using Modeling.Records;
using Retrainer.Registry;
using Retrainer.Retraining;
using Retrainer.TrainingData;
using ServiceDefaults;
using ServiceDefaults.Security;

namespace Retrainer.Endpoints;

/// <summary>
/// <c>GET /api/v1/models/{model}/training-data</c> (docs/retraining.md): the labelled rows the Retrainer kept from the
/// model's outcomes, as a file to train on wherever a team likes (<see cref="TrainingDataWriter"/>); and
/// <c>GET /api/v1/models/{model}/retrainings/{jobId}/training-data</c>: exactly the rows an external trainer's job asks
/// the team to train on (its window, up to its hold-out).
/// </summary>
public static class TrainingDataEndpoints
{
    /// <summary>Maps the training data export.</summary>
    public static IEndpointRouteBuilder MapTrainingDataEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/models/{model}/training-data", ExportAsync).RequireScope(Scopes.Read)
            .WithTags("Retraining")
            .WithName("ExportTrainingData")
            .WithSummary("The labelled rows kept from the model's outcomes, oldest first, observed in [from, to) (RFC 3339; default: all), as format=csv (default), jsonl or parquet: the card's raw fields, the label field, observedAt, outcomeId, modelVersion, reportedBy.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/v1/models/{model}/retrainings/{jobId}/training-data", ExportJobAsync).RequireScope(Scopes.Read)
            .WithTags("Retraining")
            .WithName("ExportJobTrainingData")
            .WithSummary("The rows an external trainer's retraining job asks the team to train on: the kept rows of its window before its hold-out, oldest first, as format=csv (default), jsonl or parquet.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ExportAsync(
        string model, string? from, string? to, string? format, ModelRegistry registry, LabelledRowStore rows, HttpContext context, CancellationToken cancellationToken)
    {
        if (RecordFormats.FromName(format ?? "csv") is not { } chosen)
            return InvalidParameter.Problem("format", $"The query parameter 'format' must be one of {string.Join(", ", RecordFormats.Names)}, not '{format}'.");
        if (!TryTime(from, DateTimeOffset.MinValue, out var start))
            return InvalidParameter.Problem("from", $"The query parameter 'from' must be an RFC 3339 time such as 2026-11-23T10:00:00Z, not '{from}'.");
        if (!TryTime(to, DateTimeOffset.MaxValue, out var end))
            return InvalidParameter.Problem("to", $"The query parameter 'to' must be an RFC 3339 time such as 2026-11-23T10:00:00Z, not '{to}'.");
        if (end <= start)
            return InvalidParameter.Problem("to", "The query parameter 'to' must be later than 'from'.");
        // The fields and the label are the served version's card's: the columns a challenger would be trained on.
        if (await registry.ServedAsync(model, cancellationToken) is not [var served, ..] || ModelCardReader.Read(served.CardJson).Card is not { } card)
            return RegistryProblems.UnknownModel(model);

        context.Response.ContentType = RecordFormats.MediaTypeOf(chosen);
        context.Response.Headers.ContentDisposition = $"attachment; filename={model}-training-data.{RecordFormats.NameOf(chosen)}";
        await TrainingDataWriter.WriteAsync(card, rows.ReadAsync(model, start, end, newestFirst: false, cancellationToken), chosen, context.Response.Body, cancellationToken);
        return Results.Empty;
    }

    private static async Task<IResult> ExportJobAsync(
        string model, string jobId, string? format, ModelRegistry registry, RetrainingJobs jobs, LabelledRowStore rows, HttpContext context, CancellationToken cancellationToken)
    {
        if (RecordFormats.FromName(format ?? "csv") is not { } chosen)
            return InvalidParameter.Problem("format", $"The query parameter 'format' must be one of {string.Join(", ", RecordFormats.Names)}, not '{format}'.");
        if (await jobs.FindAsync(model, jobId, cancellationToken) is not { External: { } window })
        {
            return TypedResults.Problem($"Model '{model}' has no retraining job '{jobId}' of an external trainer.",
                statusCode: StatusCodes.Status404NotFound, title: "Retraining job not found");
        }

        if (await registry.ServedAsync(model, cancellationToken) is not [var served, ..] || ModelCardReader.Read(served.CardJson).Card is not { } card)
            return RegistryProblems.UnknownModel(model);
        context.Response.ContentType = RecordFormats.MediaTypeOf(chosen);
        context.Response.Headers.ContentDisposition = $"attachment; filename={model}-{jobId}-training-data.{RecordFormats.NameOf(chosen)}";
        var training = rows.ReadAsync(model, window.TrainingFrom ?? DateTimeOffset.MinValue, window.HoldoutFrom.AddTicks(1), newestFirst: false, cancellationToken).Where(window.BeforeHoldout);
        await TrainingDataWriter.WriteAsync(card, training, chosen, context.Response.Body, cancellationToken);
        return Results.Empty;
    }

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset time)
    {
        time = fallback;
        return string.IsNullOrWhiteSpace(text) || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
