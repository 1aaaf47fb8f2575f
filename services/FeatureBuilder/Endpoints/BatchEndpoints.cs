using System.Text.Json;
using FeatureBuilder.Batches;
using FeatureBuilder.Batches.Outputs;
using FeatureBuilder.Models;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Modeling.Files;
using Modeling.Records;
using ServiceDefaults.RateLimiting;
using ServiceDefaults.Security;

namespace FeatureBuilder.Endpoints;

/// <summary>
/// Batch predictions under <c>/api/v1/models/{model}/batches</c>: submit (upload CSV, JSON Lines or Parquet as
/// the body or a multipart file, or name a file of the input folder), follow, list, download the results and
/// the invalid rows, delete.
/// </summary>
public static class BatchEndpoints
{
    private const string FormatParameter = "format";

    /// <summary>Maps the batch endpoints.</summary>
    public static IEndpointRouteBuilder MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        var batches = app.MapGroup("/api/v1/models/{model}/batches").WithTags("Batches");
        batches.MapPost("/", SubmitAsync).RequireScope(Scopes.Predict).RequireRateLimiting(RateLimitKinds.Uploads)
            .WithSummary("Submits a batch: upload a CSV, JSON Lines or Parquet file (body or multipart), or name a file of the input folder.")
            .Produces<BatchStatus>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        batches.MapGet("/", ListAsync).RequireScope(Scopes.Read).WithSummary("Lists the model's batches, newest first.");
        batches.MapGet("/{id}", GetAsync).RequireScope(Scopes.Read).WithSummary("A batch's state, row counts, rate and time left.").ProducesProblem(StatusCodes.Status404NotFound);
        batches.MapGet("/{id}/results", ResultsAsync).RequireScope(Scopes.Read)
            .WithSummary("Streams a finished batch's results in input order as CSV, JSON Lines or Parquet (Accept or ?format=).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        batches.MapGet("/{id}/errors", ErrorsAsync).RequireScope(Scopes.Read)
            .WithSummary("Streams the batch's invalid rows with their field errors as JSON Lines or CSV.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        batches.MapDelete("/{id}", DeleteAsync).RequireScope(Scopes.Predict).WithSummary("Deletes the batch (stopping it if it runs) with its results.").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Accepted<BatchStatus>, ProblemHttpResult>> SubmitAsync(
        string model,
        HttpRequest request,
        ServedCards cards,
        BatchStore store,
        BatchInputs inputs,
        BatchRunner runner,
        IOptions<BatchOptions> batchOptions,
        IOptions<FeatureBuilderOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (cards.Find(model) is not { } card)
            return OnlineProblems.UnknownModel(model, cards, options.Value, request.HttpContext);

        var id = Guid.CreateVersion7();
        var input = await ReceiveInputAsync(id, request, inputs, batchOptions.Value, cancellationToken);
        if (input.Problem is { } problem)
            return problem;

        var batch = Batch.Submitted(id, model, card.Card.Version, card.CardJson, input.Format, input.Name, input.Path, input.IsUploaded, time.GetUtcNow());
        await store.CreateAsync(batch, cancellationToken);
        runner.Enqueue(id);
        var status = BatchStatus.Of(batch, time.GetUtcNow());
        return TypedResults.Accepted(status.Links.Self, status);
    }

    private static async Task<ReceivedInput> ReceiveInputAsync(Guid id, HttpRequest request, BatchInputs inputs, BatchOptions options, CancellationToken cancellationToken)
    {
        var requestedFormat = request.Query[FormatParameter].FirstOrDefault();
        if (requestedFormat is not null && RecordFormats.FromName(requestedFormat) is null)
            return ReceivedInput.Refused(UnknownFormat(requestedFormat));

        var mediaType = request.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed : null;
        if (mediaType?.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) == true)
            return await NamedInputAsync(request, inputs, requestedFormat, cancellationToken);

        // Uploads may be far larger than the server's default body limit.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.MaxUploadBytes;

        if (mediaType?.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true)
            return await MultipartInputAsync(id, request, mediaType, inputs, requestedFormat, cancellationToken);

        var format = RecordFormats.FromName(requestedFormat) ?? RecordFormats.FromMediaType(mediaType?.MediaType.Value);
        if (format is not { } known)
            return ReceivedInput.Refused(UnsupportedMediaType(mediaType?.MediaType.Value));
        return await UploadAsync(id, known, request.Body, "upload." + RecordFormats.NameOf(known), "body", inputs, cancellationToken);
    }

    private static async Task<ReceivedInput> NamedInputAsync(HttpRequest request, BatchInputs inputs, string? requestedFormat, CancellationToken cancellationToken)
    {
        NamedInput? named;
        try
        {
            named = await JsonSerializer.DeserializeAsync<NamedInput>(request.Body, JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException exception)
        {
            return ReceivedInput.Refused(OnlineProblems.BadRequest($"The body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})."));
        }

        if (named?.InputFile is not { Length: > 0 } name)
            return ReceivedInput.Refused(FieldProblem("inputFile", "Name a file of the input folder in 'inputFile', or upload the file (CSV, JSON Lines or Parquet) as the body."));
        var formatName = named.Format ?? requestedFormat;
        if (formatName is not null && RecordFormats.FromName(formatName) is null)
            return ReceivedInput.Refused(UnknownFormat(formatName));
        if ((RecordFormats.FromName(formatName) ?? RecordFormats.FromFileName(name)) is not { } format)
            return ReceivedInput.Refused(FieldProblem("format", $"The format of '{name}' cannot be told from its extension: give 'format' ({string.Join(", ", RecordFormats.Names)})."));
        if (inputs.ResolveInputFile(name, out var error) is not { } path)
            return ReceivedInput.Refused(FieldProblem("inputFile", error!));
        if (await inputs.ProblemAsync(path, format, cancellationToken) is { } problem)
            return ReceivedInput.Refused(FieldProblem("inputFile", problem));
        return new ReceivedInput(format, name, path, IsUploaded: false, null);
    }

    private static async Task<ReceivedInput> MultipartInputAsync(
        Guid id, HttpRequest request, MediaTypeHeaderValue mediaType, BatchInputs inputs, string? requestedFormat, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary))
            return ReceivedInput.Refused(OnlineProblems.BadRequest("The multipart body has no boundary."));

        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (section.GetContentDispositionHeader() is not { } disposition || !disposition.IsFileDisposition())
                continue;
            var fileName = Path.GetFileName(disposition.FileName.Value ?? disposition.FileNameStar.Value ?? "upload");
            var format = RecordFormats.FromName(requestedFormat) ?? RecordFormats.FromMediaType(section.ContentType) ?? RecordFormats.FromFileName(fileName);
            if (format is not { } known)
                return ReceivedInput.Refused(FieldProblem("format", $"The format of '{fileName}' cannot be told from its type or extension: add ?format= ({string.Join(", ", RecordFormats.Names)})."));
            // The name is only shown (the file is stored by the batch's id); one that is not a plain file name is not kept.
            var shownName = PathSegments.IsPlain(fileName) ? fileName : "upload." + RecordFormats.NameOf(known);
            return await UploadAsync(id, known, section.Body, shownName, "file", inputs, cancellationToken);
        }

        return ReceivedInput.Refused(FieldProblem("file", "The multipart body has no file part: send the input as a form field with a file name."));
    }

    // A refused upload leaves nothing behind: its file is deleted, and no batch is created.
    private static async Task<ReceivedInput> UploadAsync(
        Guid id, RecordFormat format, Stream body, string name, string field, BatchInputs inputs, CancellationToken cancellationToken)
    {
        var (path, bytes) = await inputs.SaveUploadAsync(id, format, body, cancellationToken);
        if (bytes == 0)
        {
            File.Delete(path);
            return ReceivedInput.Refused(FieldProblem("body", "The uploaded input is empty."));
        }

        if (await inputs.ProblemAsync(path, format, cancellationToken) is { } problem)
        {
            File.Delete(path);
            return ReceivedInput.Refused(FieldProblem(field, problem));
        }

        return new ReceivedInput(format, name, path, IsUploaded: true, null);
    }

    private static async Task<Ok<BatchList>> ListAsync(string model, BatchStore store, TimeProvider time, CancellationToken cancellationToken, int limit = 100)
    {
        var batches = await store.ListAsync(model, Math.Clamp(limit, 1, 1000), cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new BatchList(model, batches.Select(batch => BatchStatus.Of(batch, now)).ToList()));
    }

    private static async Task<Results<Ok<BatchStatus>, ProblemHttpResult>> GetAsync(string model, string id, BatchStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await FindAsync(model, id, store, cancellationToken);
        return found.Batch is { } batch ? TypedResults.Ok(BatchStatus.Of(batch, time.GetUtcNow())) : found.Problem!;
    }

    private static async Task<IResult> ResultsAsync(string model, string id, HttpContext http, BatchStore store, CancellationToken cancellationToken)
    {
        var found = await FindAsync(model, id, store, cancellationToken);
        if (found.Batch is not { } batch)
            return found.Problem!;
        if (!batch.IsFinished)
        {
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(
                $"Batch {batch.Id} is {batch.State.ToString().ToLowerInvariant()} ({batch.RowsScored} rows scored so far); its results can be downloaded once it has completed.",
                statusCode: StatusCodes.Status409Conflict, title: "Batch not finished",
                extensions: new Dictionary<string, object?> { ["state"] = batch.State.ToString().ToLowerInvariant() });
        }

        var format = OutputFormat(http.Request, RecordFormat.Csv, out var problem);
        if (problem is not null)
            return problem;
        return new StreamedFile(
            RecordFormats.MediaTypeOf(format),
            $"{batch.Id}-results.{RecordFormats.NameOf(format)}",
            (stream, token) => BatchResultWriter.WriteAsync(format, store.ReadResultsAsync(batch.Id, token), stream, token));
    }

    private static async Task<IResult> ErrorsAsync(string model, string id, HttpContext http, BatchStore store, CancellationToken cancellationToken)
    {
        var found = await FindAsync(model, id, store, cancellationToken);
        if (found.Batch is not { } batch)
            return found.Problem!;
        var format = OutputFormat(http.Request, RecordFormat.JsonLines, out var problem);
        if (problem is not null)
            return problem;
        if (format == RecordFormat.Parquet)
            return FieldProblem(FormatParameter, "Invalid rows are available as jsonl or csv.");
        return new StreamedFile(
            RecordFormats.MediaTypeOf(format),
            $"{batch.Id}-errors.{RecordFormats.NameOf(format)}",
            (stream, token) => InvalidRowWriter.WriteAsync(format, store.ReadInvalidRowsAsync(batch.Id, token), stream, token));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string model, string id, BatchStore store, BatchInputs inputs, CancellationToken cancellationToken)
    {
        var found = await FindAsync(model, id, store, cancellationToken);
        if (found.Batch is null)
            return found.Problem!;
        // The reader of a running batch stops at its next checkpoint, when it finds the batch gone.
        if (await store.DeleteAsync(found.Batch.Id, cancellationToken) is { } deleted)
            inputs.DeleteUpload(deleted);
        return TypedResults.NoContent();
    }

    private static async Task<(Batch? Batch, ProblemHttpResult? Problem)> FindAsync(string model, string id, BatchStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var batchId))
            return (null, FieldProblem("id", $"'{id}' is not a batch id (a UUID)."));
        if (await store.FindAsync(batchId, cancellationToken) is { } batch && batch.ModelName == model)
            return (batch, null);
        return (null, TypedResults.Problem($"Model '{model}' has no batch {batchId} (it may have been deleted or expired).",
            statusCode: StatusCodes.Status404NotFound, title: "Batch not found"));
    }

    // ?format= wins over Accept; without either, the default.
    private static RecordFormat OutputFormat(HttpRequest request, RecordFormat fallback, out ProblemHttpResult? problem)
    {
        problem = null;
        if (request.Query[FormatParameter].FirstOrDefault() is { } name)
        {
            if (RecordFormats.FromName(name) is { } named)
                return named;
            problem = UnknownFormat(name);
            return fallback;
        }

        foreach (var accepted in request.GetTypedHeaders().Accept.OrderByDescending(type => type.Quality ?? 1))
        {
            if (RecordFormats.FromMediaType(accepted.MediaType.Value) is { } format)
                return format;
        }

        return fallback;
    }

    private static ProblemHttpResult UnknownFormat(string name) =>
        FieldProblem(FormatParameter, $"'{name}' is not a batch format: use {string.Join(", ", RecordFormats.Names)}.");

    private static ProblemHttpResult UnsupportedMediaType(string? mediaType) => TypedResults.Problem(
        $"The body's type {(mediaType is null ? "is not given" : $"'{mediaType}' is not a batch input")}: send text/csv, application/jsonl (or application/x-ndjson), " +
        "application/vnd.apache.parquet, multipart/form-data with a file, or application/json naming a file of the input folder; or add ?format=csv|jsonl|parquet.",
        statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    // The same shape as a validation problem (errors by field), so clients read one format.
    private static ProblemHttpResult FieldProblem(string field, string message) => TypedResults.Problem(
        message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid batch request",
        type: ServiceDefaults.ProblemTypes.ValidationFailed,
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });

    private sealed record NamedInput(string? InputFile, string? Format);

    private sealed record ReceivedInput(RecordFormat Format, string Name, string Path, bool IsUploaded, ProblemHttpResult? Problem)
    {
        public static ReceivedInput Refused(ProblemHttpResult problem) => new(default, "", "", false, problem);
    }

    /// <summary>A download written straight to the response as it is produced, never buffered whole.</summary>
    private sealed class StreamedFile(string contentType, string fileName, Func<Stream, CancellationToken, Task> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = contentType;
            httpContext.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName }.ToString();
            await write(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }
}
