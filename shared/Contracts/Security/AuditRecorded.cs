namespace Contracts.Security;

/// <summary>
/// One state-changing call to an operation that needs the <c>admin</c> scope (a version registered or deleted, an alias
/// moved, a rollout started, paused, promoted or rolled back, a retraining started, a key created or revoked, …) and
/// what came of it, refused and failed calls included. Published by the service that answered, after its answer
/// (every service, through the service defaults); kept by the Retrainer (<c>GET /api/v1/audit</c>) and sent to
/// <c>platform.events</c> with routing key <c>audit.&lt;outcome&gt;.&lt;service&gt;</c> (plain JSON, camelCase). Text that
/// came from the caller (the path, the route values, the location, a token's subject) is cut short and has no control character.
/// </summary>
/// <param name="Id">Unique id of the record (time-ordered); the Retrainer keeps a record once per id.</param>
/// <param name="At">When the answer was complete.</param>
/// <param name="Who">The caller: <c>key:&lt;key id&gt;</c>, a token's subject, or <c>anonymous</c> (no valid credential).</param>
/// <param name="Service">The service that answered, e.g. <c>Retrainer</c>.</param>
/// <param name="Method">The HTTP method: <c>POST</c>, <c>PUT</c>, <c>PATCH</c> or <c>DELETE</c>.</param>
/// <param name="Route">The route template, e.g. <c>/api/v1/models/{model}/versions</c>.</param>
/// <param name="Path">The path that was called, e.g. <c>/api/v1/models/flight-delay/versions</c> (no query string).</param>
/// <param name="RouteValues">The route's values, which name what was changed (<c>model</c>, <c>version</c>, <c>alias</c>, <c>keyId</c>, …).</param>
/// <param name="Location">The answer's <c>Location</c>: what the call created (a version, a rollout, a retraining job, a key), when it says.</param>
/// <param name="Status">The HTTP status of the answer.</param>
/// <param name="Outcome"><see cref="AuditOutcomes.Succeeded"/> (below 400), <see cref="AuditOutcomes.Refused"/> (4xx) or <see cref="AuditOutcomes.Failed"/> (5xx).</param>
/// <param name="Operation">The operation's name in the OpenAPI document (e.g. <c>RevokeApiKey</c>), when it has one.</param>
/// <param name="TraceId">The call's trace id, to find its logs and spans.</param>
public sealed record AuditRecorded(
    Guid Id,
    DateTimeOffset At,
    string Who,
    string Service,
    string Method,
    string Route,
    string Path,
    IReadOnlyDictionary<string, string> RouteValues,
    string? Location,
    int Status,
    string Outcome,
    string? Operation,
    string? TraceId);

/// <summary>What came of an audited call, by the class of its HTTP status.</summary>
public static class AuditOutcomes
{
    /// <summary>Answered below 400: the change was made (or there was nothing to change).</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Answered 4xx: not allowed (401, 403) or not accepted (400, 404, 409, …).</summary>
    public const string Refused = "refused";

    /// <summary>Answered 5xx: the service failed.</summary>
    public const string Failed = "failed";

    /// <summary>Every outcome, in the order above.</summary>
    public static readonly IReadOnlyList<string> All = [Succeeded, Refused, Failed];

    /// <summary>The outcome of an answer with <paramref name="status"/>.</summary>
    public static string Of(int status) => status >= 500 ? Failed : status >= 400 ? Refused : Succeeded;
}
