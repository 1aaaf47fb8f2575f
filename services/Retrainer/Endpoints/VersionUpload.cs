using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Modeling.Bundles;
using Modeling.Cards;
using Modeling.Onnx;
using Modeling.Records;
using Modeling.Scoring;
using Modeling.Statistics;
using Retrainer.Registry;

namespace Retrainer.Endpoints;

/// <summary>
/// Reads and checks an uploaded model version: a multipart body with a <c>card</c> part (the model card JSON, a
/// file or a text field), an <c>onnx</c> part (the ONNX file) and optionally a <c>reference</c> part (records to compute
/// the reference statistics from). Every problem is reported at once under the field it concerns: <c>card</c>,
/// <c>card.{path}</c> (a part of the card, e.g. <c>card.input.columns</c>), <c>onnx</c> or <c>reference</c>.
/// </summary>
internal static class VersionUpload
{
    /// <summary>The multipart part holding the model card.</summary>
    public const string CardField = "card";

    /// <summary>The multipart part holding the ONNX file.</summary>
    public const string OnnxField = "onnx";

    /// <summary>The optional multipart part holding the reference records.</summary>
    public const string ReferenceField = "reference";

    // Cards are tens of KB (vocabularies, statistics); anything near this is not a card.
    private const int MaxCardBytes = 8 * 1024 * 1024;

    /// <summary>The parts of the body, or the problem that refuses it; the caller disposes the parts (the reference's temporary file).</summary>
    public static async Task<(VersionUploadParts? Parts, IResult? Problem)> ReadAsync(HttpRequest request, RegistryOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        UploadedReference? reference = null;
        try
        {
            var (card, onnx, problem) = await ReadPartsAsync(request, options, found => reference = found, cancellationToken);
            if (problem is not null)
                return (null, problem);
            var parts = new VersionUploadParts(card!, onnx!, reference);
            reference = null;
            return (parts, null);
        }
        finally
        {
            if (reference is not null)
                await reference.DisposeAsync();
        }
    }

    private static async Task<(string? CardJson, byte[]? Onnx, IResult? Problem)> ReadPartsAsync(
        HttpRequest request, RegistryOptions options, Action<UploadedReference> keepReference, CancellationToken cancellationToken)
    {
        var maxOnnxBytes = options.MaxUploadBytes;
        var mediaType = request.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed : null;
        if (mediaType?.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, null, TypedResults.Problem(
                $"Send multipart/form-data with a '{CardField}' part (the model card JSON) and an '{OnnxField}' part (the ONNX file), e.g. curl -F card=@model-card.json -F onnx=@model.onnx.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"));
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary))
            return (null, null, TypedResults.Problem("The multipart body has no boundary.", statusCode: StatusCodes.Status400BadRequest, title: "Bad request"));

        // ONNX files are larger than the server's default body limit.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxOnnxBytes + MaxCardBytes + options.MaxReferenceBytes;

        string? card = null;
        byte[]? onnx = null;
        var hasReference = false;
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = Math.Max(Math.Max(maxOnnxBytes, MaxCardBytes), options.MaxReferenceBytes) + 1 };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                var name = section.GetContentDispositionHeader()?.Name.Value;
                if (name == CardField && card is null)
                {
                    var bytes = await ReadLimitedAsync(section.Body, MaxCardBytes, cancellationToken);
                    if (bytes is null)
                        return (null, null, TooLarge(CardField, MaxCardBytes));
                    card = Encoding.UTF8.GetString(bytes);
                }
                else if (name == OnnxField && onnx is null)
                {
                    onnx = await ReadLimitedAsync(section.Body, maxOnnxBytes, cancellationToken);
                    if (onnx is null)
                        return (null, null, TooLarge(OnnxField, maxOnnxBytes));
                }
                else if (name == ReferenceField && !hasReference)
                {
                    hasReference = true;
                    var (uploaded, referenceProblem) = await ReadRecordsPartAsync(section, options, ReferenceField, Invalid, cancellationToken);
                    if (uploaded is null)
                        return (null, null, referenceProblem);
                    keepReference(uploaded);
                }
            }
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            // The body ended before the closing boundary (found by the fuzz test: it was a 500).
            return (null, null, TruncatedMultipart());
        }
        catch (InvalidDataException exception)
        {
            // The reader's own limit on a part's length, or a malformed multipart body.
            return (null, null, exception.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? TooLarge(OnnxField, maxOnnxBytes)
                : TypedResults.Problem($"The multipart body cannot be read: {exception.Message}", statusCode: StatusCodes.Status400BadRequest, title: "Bad request"));
        }

        var missing = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(card))
            missing[CardField] = [$"The multipart body has no '{CardField}' part, or it is empty: send the model card JSON (docs/model-card.md) as '{CardField}'."];
        if (onnx is not { Length: > 0 })
            missing[OnnxField] = [$"The multipart body has no '{OnnxField}' part, or it is empty: send the ONNX file as '{OnnxField}'."];
        return missing.Count > 0 ? (null, null, Invalid(missing)) : (card, onnx, null);
    }

    /// <summary>
    /// The records of an upload of records alone (<c>PUT …/versions/{version}/reference</c>, <c>PUT …/training-dataset</c>):
    /// the body itself (its content type says the format: <c>text/csv</c>, <c>application/jsonl</c>,
    /// <c>application/vnd.apache.parquet</c>) or the multipart part named <paramref name="field"/>; or the problem that refuses
    /// it (a 400 made by <paramref name="invalid"/>, the endpoint's own). A body is named <c>{field}.{csv|jsonl|parquet}</c>.
    /// The caller disposes the records.
    /// </summary>
    public static async Task<(UploadedReference? Records, IResult? Problem)> ReadRecordsAsync(
        HttpRequest request, RegistryOptions options, string field, Func<Dictionary<string, string[]>, ValidationProblem> invalid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invalid);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.MaxReferenceBytes + MaxCardBytes;
        var mediaType = request.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed : null;
        if (mediaType?.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
        {
            if (RecordFormats.FromMediaType(request.ContentType) is not { } format)
            {
                return (null, TypedResults.Problem(
                    $"Send the records as the body with their content type (text/csv, application/jsonl, application/vnd.apache.parquet), or as the multipart part '{field}'; got {request.ContentType ?? "no content type"}.",
                    statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"));
            }

            var body = await UploadedReference.ReadAsync(request.Body, field + "." + RecordFormats.NameOf(format), format, options.MaxReferenceBytes, cancellationToken);
            return body is null ? (null, TooLarge(field, options.MaxReferenceBytes)) : (body, null);
        }

        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value ?? "", request.Body) { BodyLengthLimit = options.MaxReferenceBytes + 1 };
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (section.GetContentDispositionHeader()?.Name.Value == field)
                    return await ReadRecordsPartAsync(section, options, field, invalid, cancellationToken);
            }
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, TruncatedMultipart());
        }
        catch (InvalidDataException exception)
        {
            return (null, TypedResults.Problem($"The multipart body cannot be read: {exception.Message}", statusCode: StatusCodes.Status400BadRequest, title: "Bad request"));
        }

        return (null, invalid(new() { [field] = [$"The multipart body has no '{field}' part: send the records as '{field}', e.g. curl -F {field}=@training.csv."] }));
    }

    /// <summary>The card read from <paramref name="cardJson"/> when it is valid and names <paramref name="model"/>, else the errors by field.</summary>
    public static (ModelCard? Card, Dictionary<string, string[]> Errors) ReadCard(string cardJson, string model)
    {
        var read = ModelCardReader.Read(cardJson);
        var errors = read.Errors
            .GroupBy(error => FieldOf(error.Path), StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(error => error.Message).ToArray(), StringComparer.Ordinal);
        if (read.Card is { } card && card.Name != model)
            errors["card.name"] = [$"is '{card.Name}' but the URL names model '{model}': a version is uploaded under its own model."];
        return (errors.Count == 0 ? read.Card : null, errors);
    }

    /// <summary>
    /// The bundle (its card with the file's SHA-256) when the ONNX file fits the card, else the errors by field. The file is
    /// refused when a tensor keeps its data in another file, and when loading and scoring it take longer than
    /// <paramref name="timeout"/> (<see cref="RegistryOptions.OnnxCheckTimeout"/>).
    /// </summary>
    public static (ModelBundle? Bundle, Dictionary<string, string[]> Errors) Check(ModelCard card, byte[] onnx, TimeSpan timeout, TimeProvider time)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        var errors = OnnxCardCheck.Check(card, onnx, deadline.Token)
            .GroupBy(mismatch => mismatch.CardPath is null ? OnnxField : FieldOf(mismatch.CardPath), StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(mismatch => mismatch.Message).ToArray(), StringComparer.Ordinal);

        var actual = ModelBundle.Sha256Of(onnx);
        if (card.Artifact.Sha256 is { } expected && !expected.Equals(actual, StringComparison.OrdinalIgnoreCase))
            errors["card.artifact.sha256"] = [$"is {expected} but the uploaded ONNX file's SHA-256 is {actual} (leave it out: the registry computes it)."];
        return (errors.Count == 0 ? new ModelBundle(card, onnx).WithChecksum() : null, errors);
    }

    /// <summary>
    /// The reference statistics (and metrics, when the records carry the card's label field) of <paramref name="reference"/>
    /// for <paramref name="bundle"/>'s model, else the errors under <c>reference</c>. The sample of a large file is seeded
    /// with 1, so the same file gives the same statistics.
    /// </summary>
    public static async Task<(ReferenceDatasetProfile? Profile, Dictionary<string, string[]> Errors)> ProfileAsync(
        ModelBundle bundle, UploadedReference reference, int maxRows, RecordLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(reference);
        using var scorer = OnnxScorer.Load(bundle.Card, bundle.Onnx);
        ReferenceDatasetProfile profile;
        try
        {
            profile = await ReferenceDataset.ProfileAsync(scorer, reference.Content, reference.Format, reference.Name, maxRows, seed: 1, limits, cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            return (null, new() { [ReferenceField] = [exception.Message] });
        }

        if (profile.Statistics.Rows > 0)
            return (profile, []);
        var examples = profile.InvalidRows.Select(row => $"row {row.Row}: " + string.Join("; ", row.Errors.Select(error => $"{error.Field}: {error.Message}")));
        return (null, new()
        {
            [ReferenceField] = [$"None of the file's {profile.RowsRead} rows can be featurized by the card's features" + (profile.RowsRead == 0 ? "." : $", e.g. {string.Join(" | ", examples)}")],
        });
    }

    /// <summary>A 400 problem with <paramref name="errors"/> by field.</summary>
    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "The model version was not registered: see errors.", title: "Invalid model version");

    // "$.input.columns[2]" → "card.input.columns[2]"; "$" → "card".
    private static string FieldOf(string cardPath) =>
        cardPath == "$" ? CardField : CardField + (cardPath.StartsWith('$') ? cardPath[1..] : "." + cardPath);

    // Null when the stream is longer than the limit.
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task<(UploadedReference? Reference, IResult? Problem)> ReadRecordsPartAsync(
        MultipartSection section, RegistryOptions options, string field, Func<Dictionary<string, string[]>, ValidationProblem> invalid, CancellationToken cancellationToken)
    {
        var fileName = section.GetContentDispositionHeader()?.FileName.Value ?? "";
        if ((RecordFormats.FromMediaType(section.ContentType) ?? RecordFormats.FromFileName(fileName)) is not { } format)
            return (null, UnknownFormat(field, section.ContentType, fileName, invalid));
        var uploaded = await UploadedReference.ReadAsync(section.Body, fileName, format, options.MaxReferenceBytes, cancellationToken);
        return uploaded is null ? (null, TooLarge(field, options.MaxReferenceBytes)) : (uploaded, null);
    }

    private static ValidationProblem UnknownFormat(string field, string? contentType, string fileName, Func<Dictionary<string, string[]>, ValidationProblem> invalid) => invalid(new()
    {
        [field] = [$"Say the {field}'s format: a file name ending in .csv, .jsonl or .parquet, or a content type (text/csv, application/jsonl, application/vnd.apache.parquet); got '{fileName}' ({contentType ?? "no content type"})."],
    });

    private static ProblemHttpResult TooLarge(string field, long limit) => TypedResults.Problem(
        $"The '{field}' part is larger than the limit of {limit} bytes.",
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Upload too large",
        extensions: new Dictionary<string, object?> { ["maxBytes"] = limit, ["field"] = field });

    private static ProblemHttpResult TruncatedMultipart() =>
        TypedResults.Problem("The multipart body ends before its closing boundary.", statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
}
