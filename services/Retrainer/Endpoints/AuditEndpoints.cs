using System.Globalization;
using Contracts.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Modeling.Text;
using Retrainer.Audit;
using ServiceDefaults;
using ServiceDefaults.Security;

namespace Retrainer.Endpoints;

/// <summary>
/// <c>GET /api/v1/audit</c> (docs/security.md#audit-log), scope <c>admin</c>: the audit log, newest first, filtered by
/// <c>who</c>, <c>outcome</c>, <c>model</c>, <c>since</c> (inclusive) and <c>until</c> (exclusive), at most <c>limit</c>
/// entries (<see cref="DefaultLimit"/> unless asked, at most <see cref="MaxLimit"/>). A bad filter is a 400 naming it.
/// </summary>
public static class AuditEndpoints
{
    /// <summary>How many entries a listing returns unless the client asks for another <c>limit</c>.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest <c>limit</c> a listing accepts.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Maps the audit log's endpoint.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", ListAsync).WithTags("Audit").RequireScope(Scopes.Admin)
            .WithName("ListAuditEntries")
            .WithSummary("The audit log of admin calls (who, when, what, result), newest first; filters: who, outcome, model, since, until, limit.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<AuditList>, ProblemHttpResult>> ListAsync(
        string? who, string? outcome, string? model, string? since, string? until, string? limit, AuditStore store, CancellationToken cancellationToken)
    {
        if (who is not null && UserText.Problem(who, UserText.MaxKeyLength) is { } whoProblem)
            return InvalidParameter.Problem("who", $"The query parameter 'who' {whoProblem}.");
        if (outcome is not null && !AuditOutcomes.All.Contains(outcome, StringComparer.Ordinal))
            return InvalidParameter.Problem("outcome", $"The query parameter 'outcome' must be {string.Join(", ", AuditOutcomes.All)}, not '{UserText.Shown(outcome)}'.");
        if (model is not null && UserText.Problem(model, UserText.MaxKeyLength) is { } modelProblem)
            return InvalidParameter.Problem("model", $"The query parameter 'model' {modelProblem}.");
        if (!TryTime(since, out var from))
            return InvalidParameter.Problem("since", $"The query parameter 'since' must be an RFC 3339 time such as 2026-11-23T10:00:00Z, not '{UserText.Shown(since)}'.");
        if (!TryTime(until, out var to))
            return InvalidParameter.Problem("until", $"The query parameter 'until' must be an RFC 3339 time such as 2026-11-23T11:00:00Z, not '{UserText.Shown(until)}'.");
        if (from is { } start && to is { } end && end <= start)
            return InvalidParameter.Problem("until", "The query parameter 'until' must be later than 'since'.");
        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
            return InvalidParameter.Problem("limit", $"The query parameter 'limit' must be a whole number from 1 to {MaxLimit}, not '{UserText.Shown(limit)}'.");

        var entries = await store.ListAsync(new AuditQuery(who, outcome, model, from, to, count), cancellationToken);
        return TypedResults.Ok(new AuditList(entries));
    }

    private static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
            return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return false;
        time = parsed;
        return true;
    }
}

/// <summary>Audit entries.</summary>
/// <param name="Entries">Newest first. To read further back, ask again with <c>until</c> set to the oldest entry's <c>at</c>.</param>
public sealed record AuditList(IReadOnlyList<AuditRecorded> Entries);
