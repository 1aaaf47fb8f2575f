using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Modeling.Cards;
using Retrainer.Registry;
using Retrainer.TrainingData;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace Retrainer.Endpoints;

/// <summary>
/// <c>/api/v1/models/{model}/training-dataset</c> (docs/retraining.md): a model's uploaded training dataset, one per model,
/// which <c>recent-plus-earlier</c> retraining uses as the model's earlier data. Upload (replacing the one the model has),
/// describe, delete. Not to be confused with <c>GET …/training-data</c>, the export of the rows kept from outcomes.
/// </summary>
public static class TrainingDatasetEndpoints
{
    /// <summary>The multipart part holding the dataset, and the field its problems are reported under.</summary>
    public const string DatasetField = "dataset";

    /// <summary>The public path of a model's training dataset.</summary>
    public static string PathOf(string model) => $"/api/v1/models/{Uri.EscapeDataString(model)}/training-dataset";

    /// <summary>Maps the training dataset endpoints.</summary>
    public static IEndpointRouteBuilder MapTrainingDatasetEndpoints(this IEndpointRouteBuilder app)
    {
        var dataset = app.MapGroup("/api/v1/models/{model}/training-dataset").WithTags("Retraining");
        dataset.MapPut("/", UploadAsync).RequireScope(Scopes.Admin).RequireRateLimiting(RateLimitKinds.Uploads)
            .WithName("UploadTrainingDataset")
            .WithSummary("Keeps the model's training dataset, replacing the one it had: labelled records sent as the body (text/csv, application/jsonl or application/x-ndjson, application/vnd.apache.parquet) or as the multipart part 'dataset', checked with the served version's card (its features, and its label rule on the column label.field). recent-plus-earlier retraining trains on its rows as the model's earlier data.")
            .Produces<TrainingDatasetView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        dataset.MapGet("/", GetAsync).RequireScope(Scopes.Read)
            .WithName("GetTrainingDataset")
            .WithSummary("The model's uploaded training dataset: file name, format, size, SHA-256, rows, labelled rows, the card it was checked with, when it was uploaded, and how a challenger's lineage names it.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        dataset.MapDelete("/", DeleteAsync).RequireScope(Scopes.Admin)
            .WithName("DeleteTrainingDataset")
            .WithSummary("Deletes the model's uploaded training dataset; retraining no longer uses it.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> UploadAsync(
        string model, HttpRequest request, ModelRegistry registry, IOptions<RegistryOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        // Checked with the card a challenger would be trained from: the served version's.
        if (await registry.ServedAsync(model, cancellationToken) is not [var served, ..] || ModelCardReader.Read(served.CardJson).Card is not { } card)
            return RegistryProblems.UnknownModel(model);
        var (records, problem) = await VersionUpload.ReadRecordsAsync(request, options.Value, DatasetField, Invalid, cancellationToken);
        if (records is null)
            return problem!;
        await using (records)
        {
            TrainingDatasetCheck check;
            try
            {
                check = await TrainingDatasetReader.CheckAsync(card, records.Content, records.Format, options.Value.RecordLimits, cancellationToken);
            }
            catch (InvalidDataException exception)
            {
                return Invalid(DatasetField, exception.Message);
            }

            if (Refusal(check, card, served.Version) is { } refusal)
                return Invalid(refusal.Field, refusal.Message);
            records.Content.Position = 0;
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(records.Content, cancellationToken));
            records.Content.Position = 0;
            var stored = await registry.SetTrainingDatasetAsync(
                new TrainingDataset(model, records.Name, records.Format, records.Content.Length, sha256, check.Rows, check.UsableRows,
                    TrainingDataWriter.LabelColumnOf(card), served.Version, time.GetUtcNow()),
                records.Content,
                cancellationToken);
            return TypedResults.Ok(TrainingDatasetView.Of(stored));
        }
    }

    private static async Task<Results<Ok<TrainingDatasetView>, ProblemHttpResult>> GetAsync(string model, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (await registry.TrainingDatasetAsync(model, cancellationToken) is { } dataset)
            return TypedResults.Ok(TrainingDatasetView.Of(dataset));
        return await registry.VersionsAsync(model, cancellationToken) is null ? RegistryProblems.UnknownModel(model) : RegistryProblems.NoTrainingDataset(model);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string model, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (await registry.DeleteTrainingDatasetAsync(model, cancellationToken))
            return TypedResults.NoContent();
        return await registry.VersionsAsync(model, cancellationToken) is null ? RegistryProblems.UnknownModel(model) : RegistryProblems.NoTrainingDataset(model);
    }

    // Why a checked file cannot train a challenger, under the field it concerns (the label column's is dataset.{column}); null when it can.
    private static (string Field, string Message)? Refusal(TrainingDatasetCheck check, ModelCard card, string version)
    {
        var column = TrainingDataWriter.LabelColumnOf(card);
        if (check.Rows == 0)
            return (DatasetField, "The file has no rows.");
        if (check.UnreadableRows == check.Rows)
            return (DatasetField, string.Create(CultureInfo.InvariantCulture, $"None of the file's {check.Rows} rows can be read, e.g. {Examples(check)}"));
        if (check.LabelledRows == 0)
        {
            return ($"{DatasetField}.{column}", string.Create(CultureInfo.InvariantCulture,
                $"None of the file's {check.Rows} rows has a label in the column '{column}' (version {version}'s card's {(card.Label?.Field is { Length: > 0 } ? "label.field" : "label column: it has no label.field")}) that its label rule reads: {Expected(card)}."));
        }

        if (check.UsableRows > 0)
            return null;
        return (DatasetField, string.Create(CultureInfo.InvariantCulture,
            $"None of the file's {check.LabelledRows} labelled rows can be featurized by version {version}'s card's features, e.g. {Examples(check)}"));
    }

    private static string Examples(TrainingDatasetCheck check) =>
        string.Join(" | ", check.InvalidRows.Select(row => $"row {row.Row}: " + string.Join("; ", row.Errors.Select(error => $"{error.Field}: {error.Message}"))));

    // What the label rule of the card's task reads (OutcomeLabels.TruthOf).
    private static string Expected(ModelCard card) => card.Task switch
    {
        ModelTask.Binary => $"a number (positive above {card.Label?.PositiveWhenGreaterThan?.ToString(CultureInfo.InvariantCulture) ?? "0.5, inclusive"}), "
            + (card.Output.Labels.Count == 2 ? $"'{card.Output.Labels[0]}' or '{card.Output.Labels[1]}', " : "") + "or true/false",
        ModelTask.Multiclass => $"one of the card's labels ({string.Join(", ", card.Output.Labels)})",
        _ => "a number",
    };

    private static ValidationProblem Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "The training dataset was not stored: see errors.", title: "Invalid training dataset");
}
