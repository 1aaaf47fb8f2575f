using Contracts.Security;
using ServiceDefaults.Storage.Documents;

namespace Retrainer.Audit;

/// <summary>
/// The audit log in the Retrainer's database: collection <c>audit_log</c>, one document per <see cref="AuditRecorded"/>
/// (key: its id), kept once however often it is delivered, listed newest first.
/// </summary>
public sealed class AuditStore([FromKeyedServices(RetrainerService.StoreName)] IDocumentDatabase database)
{
    private readonly IDocuments<AuditRecorded> _entries = database.Collection(new DocumentSchema<AuditRecorded>
    {
        Name = "audit_log",
        Key = entry => entry.Id.ToString("N"),
        Fields = [new("at", entry => entry.At), new("who", entry => entry.Who), new("outcome", entry => entry.Outcome), new("model", ModelOf)],
        Indexes = [["at"], ["who", "at"], ["model", "at"]],
    });

    /// <summary>Keeps <paramref name="entry"/> unless an entry with its id is kept already; true when it was new.</summary>
    public Task<bool> AddAsync(AuditRecorded entry, CancellationToken cancellationToken) => _entries.InsertAsync(entry, cancellationToken);

    /// <summary>The entries <paramref name="query"/> selects, newest first (ties by id, also newest first), at most its limit.</summary>
    public Task<IReadOnlyList<AuditRecorded>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var selected = DocumentQuery.All;
        if (query.Who is not null)
            selected = selected.And("who", query.Who);
        if (query.Outcome is not null)
            selected = selected.And("outcome", query.Outcome);
        if (query.Model is not null)
            selected = selected.And("model", query.Model);
        if (query.Since is { } since)
            selected = selected.And("at", Comparison.GreaterOrEqual, since);
        if (query.Until is { } until)
            selected = selected.And("at", Comparison.Less, until);
        return _entries.ListAsync(selected.OrderByDescending("at").Take(query.Limit), cancellationToken);
    }

    /// <summary>Deletes the entries recorded before <paramref name="before"/>; returns how many.</summary>
    public Task<long> DeleteBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        _entries.DeleteManyAsync(DocumentQuery.Where("at", Comparison.Less, before), cancellationToken);

    // The model a call changed, when its route names one.
    private static string? ModelOf(AuditRecorded entry) =>
        entry.RouteValues is { } values && values.TryGetValue("model", out var model) ? model : null;
}

/// <summary>Which audit entries to list.</summary>
/// <param name="Who">Only this caller's (<c>key:&lt;key id&gt;</c>, a token's subject, <c>anonymous</c>), or everyone's.</param>
/// <param name="Outcome">Only <c>succeeded</c>, <c>refused</c> or <c>failed</c> calls, or all.</param>
/// <param name="Model">Only calls whose route names this model, or all.</param>
/// <param name="Since">Only entries recorded at or after this time.</param>
/// <param name="Until">Only entries recorded before this time.</param>
/// <param name="Limit">At most this many (the newest).</param>
public sealed record AuditQuery(string? Who, string? Outcome, string? Model, DateTimeOffset? Since, DateTimeOffset? Until, int Limit);
