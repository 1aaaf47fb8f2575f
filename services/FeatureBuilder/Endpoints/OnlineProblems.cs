using System.Globalization;
using FeatureBuilder.Models;
using Microsoft.AspNetCore.Http.HttpResults;
using Modeling.Features;
using ServiceDefaults;

namespace FeatureBuilder.Endpoints;

/// <summary>The problem details the online API answers with, so each kind of error reads the same everywhere.</summary>
public static class OnlineProblems
{
    /// <summary>404 for a model that is not served, or 503 while the served models are not known yet.</summary>
    public static ProblemHttpResult UnknownModel(string model, ServedCards cards, FeatureBuilderOptions options, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(cards);
        if (!cards.HasSynced)
            return Unavailable("Models are loading", "The served models are not known yet; retry shortly.", options, http);
        var served = string.Join(", ", cards.All.Select(card => card.Card.Name).Order(StringComparer.Ordinal));
        return TypedResults.Problem(
            $"No model named '{model}' is served. Served: {(served.Length > 0 ? served : "none")}.",
            statusCode: StatusCodes.Status404NotFound, title: "Unknown model");
    }

    /// <summary>503 with Retry-After: the client may try again later.</summary>
    public static ProblemHttpResult Unavailable(string title, string detail, FeatureBuilderOptions options, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: title);
    }

    /// <summary>400 for a body that is not the JSON the endpoint reads.</summary>
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request body cannot be read");

    /// <summary>413 for too many records.</summary>
    public static ProblemHttpResult TooManyRecords(int count, int max) =>
        TypedResults.Problem(
            $"The request carries {count} records; at most {max} are accepted per request. Split it, or use a batch.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many records",
            extensions: new Dictionary<string, object?> { ["maxRecords"] = max });

    /// <summary>
    /// 400 listing every field error: <c>errors</c> maps a field (<c>distance</c>, or <c>[3].distance</c> in an
    /// array) to its messages; <c>fieldErrors</c> adds the stable codes.
    /// </summary>
    public static ProblemHttpResult Invalid(IReadOnlyList<FieldError>?[] errors, bool isArray)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var byField = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var detailed = new List<object>();
        for (var index = 0; index < errors.Length; index++)
        {
            foreach (var error in errors[index] ?? [])
            {
                var key = isArray ? $"[{index}].{error.Field}" : error.Field;
                byField[key] = [.. byField.GetValueOrDefault(key) ?? [], error.Message];
                detailed.Add(isArray
                    ? new { record = index, field = error.Field, code = error.Code, message = error.Message }
                    : new { field = error.Field, code = error.Code, message = error.Message });
            }
        }

        var count = errors.Count(error => error is not null);
        return TypedResults.Problem(
            isArray ? $"None of the {errors.Length} records is valid; {detailed.Count} field error(s) in {count} record(s)." : $"The record has {detailed.Count} invalid field(s).",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid record",
            type: ProblemTypes.ValidationFailed,
            extensions: new Dictionary<string, object?> { ["errors"] = byField, ["fieldErrors"] = detailed });
    }
}
