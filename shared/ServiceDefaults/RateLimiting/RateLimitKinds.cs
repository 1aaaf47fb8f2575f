using System.Diagnostics.CodeAnalysis;

namespace ServiceDefaults.RateLimiting;

/// <summary>
/// The kinds of request that have a rate limit per caller, each the name of its rate limiting policy: an endpoint
/// names its kind with <c>.RequireRateLimiting(RateLimitKinds.X)</c> beside its <c>RequireScope</c>. Requests of no kind
/// (reads, registry and rollout changes, keys) have no rate limit of their own.
/// </summary>
public static class RateLimitKinds
{
    /// <summary>Online predictions: <c>POST /api/v1/models/{model}/predict</c>, <c>POST /v2/models/{model}[/versions/{version}]/infer</c>.</summary>
    public const string Predictions = "predictions";

    /// <summary>Outcomes: <c>POST /api/v1/feedback</c>.</summary>
    public const string Feedback = "feedback";

    /// <summary>
    /// Uploads: a model version (<c>POST /api/v1/models/{model}/versions</c>), a version's reference
    /// (<c>PUT …/versions/{version}/reference</c>), a training dataset (<c>PUT …/training-dataset</c>) and a batch
    /// (<c>POST …/batches</c>). Besides the limit per caller, at most <see cref="RateLimitOptions.MaxConcurrentUploads"/>
    /// run at once in a process.
    /// </summary>
    public const string Uploads = "uploads";

    /// <summary>
    /// The policy of the gateway's proxied routes: the kind of the request is looked up by its method and path
    /// (<see cref="RateLimitedOperations"/>), since one route forwards operations of several kinds.
    /// </summary>
    public const string ByOperationPath = "operation-path";

    /// <summary>The kinds, in the order above.</summary>
    public static readonly IReadOnlyList<string> All = [Predictions, Feedback, Uploads];

    /// <summary>Whether <paramref name="name"/> is one of <see cref="All"/>.</summary>
    public static bool IsKind([NotNullWhen(true)] string? name) => name is Predictions or Feedback or Uploads;
}
