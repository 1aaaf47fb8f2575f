namespace ServiceDefaults;

/// <summary>
/// The <c>type</c> URIs of the platform's RFC 9457 problem details. A client matches on the whole string;
/// a type is never renamed (a new kind of problem gets a new type).
/// </summary>
/// <remarks>
/// The types are <c>tag:</c> URIs (RFC 4151): RFC 9457 lets a type be an identifier that is not a locator,
/// and a tag needs neither a registered URN namespace nor a web site that may move. Each is documented in
/// the project's docs under its last segment.
/// </remarks>
public static class ProblemTypes
{
    /// <summary>The prefix every problem type starts with.</summary>
    public const string BaseUri = "tag:ml-platform,2025:problems/";

    /// <summary>The request is malformed (unreadable JSON, missing body).</summary>
    public const string BadRequest = BaseUri + "bad-request";

    /// <summary>The request was readable but some fields are invalid; the <c>errors</c> member names them.</summary>
    public const string ValidationFailed = BaseUri + "validation-failed";

    /// <summary>No credentials, or credentials that are not valid.</summary>
    public const string Unauthorized = BaseUri + "unauthorized";

    /// <summary>The caller is known but may not do this.</summary>
    public const string Forbidden = BaseUri + "forbidden";

    /// <summary>No such resource (route, model, prediction, batch).</summary>
    public const string NotFound = BaseUri + "not-found";

    /// <summary>The resource exists but does not accept this method.</summary>
    public const string MethodNotAllowed = BaseUri + "method-not-allowed";

    /// <summary>The request conflicts with the current state (e.g. a version that already exists).</summary>
    public const string Conflict = BaseUri + "conflict";

    /// <summary>The body is larger than the service accepts.</summary>
    public const string PayloadTooLarge = BaseUri + "payload-too-large";

    /// <summary>The body's media type is not one the endpoint reads.</summary>
    public const string UnsupportedMediaType = BaseUri + "unsupported-media-type";

    /// <summary>The caller exceeded its rate limit.</summary>
    public const string TooManyRequests = BaseUri + "too-many-requests";

    /// <summary>An unexpected failure inside the service; the trace id finds it in the logs.</summary>
    public const string InternalError = BaseUri + "internal-error";

    /// <summary>A dependency (broker, store, model) is not available right now; retrying later may work.</summary>
    public const string ServiceUnavailable = BaseUri + "service-unavailable";

    /// <summary>The type for a response with this HTTP status when nothing more specific is known.</summary>
    public static string ForStatus(int statusCode) => statusCode switch
    {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        422 => ValidationFailed,
        429 => TooManyRequests,
        500 => InternalError,
        503 => ServiceUnavailable,
        _ => BaseUri + "http-" + statusCode,
    };
}
