namespace ServiceDefaults.RateLimiting;

/// <summary>
/// How many requests a caller may make (docs/security.md#rate-limits). Section <c>RateLimits</c>. Each kind of request
/// (<see cref="RateLimitKinds"/>) has a token bucket per caller: it holds up to <c>…Burst</c> requests and fills again at
/// <c>…PerSecond</c> requests a second (a fraction allowed: 0.5 is one request every two seconds). Every limit is per
/// process: replicas of a service each apply it.
/// </summary>
public sealed class RateLimitOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RateLimits";

    /// <summary>The lowest rate a bucket may fill at: one request in 10,000 s (about 2.8 hours).</summary>
    public const double MinPerSecond = 0.0001;

    /// <summary>The highest rate a bucket may fill at.</summary>
    public const double MaxPerSecond = 1_000_000;

    /// <summary>
    /// Online predictions per second per caller (<c>POST …/predict</c>, <c>POST /v2/models/…/infer</c>); 1000 by
    /// default. Env: <c>RateLimits__PredictionsPerSecond</c>.
    /// </summary>
    public double PredictionsPerSecond { get; set; } = 1000;

    /// <summary>The most online predictions a caller may make at once after a quiet spell; 2000 by default. Env: <c>RateLimits__PredictionsBurst</c>.</summary>
    public int PredictionsBurst { get; set; } = 2000;

    /// <summary>Outcomes per second per caller (<c>POST /api/v1/feedback</c>); 1000 by default. Env: <c>RateLimits__FeedbackPerSecond</c>.</summary>
    public double FeedbackPerSecond { get; set; } = 1000;

    /// <summary>The most outcomes a caller may send at once after a quiet spell; 2000 by default. Env: <c>RateLimits__FeedbackBurst</c>.</summary>
    public int FeedbackBurst { get; set; } = 2000;

    /// <summary>
    /// Uploads per second per caller (a model version, a version's reference, a training dataset, a batch); 10 by
    /// default. Env: <c>RateLimits__UploadsPerSecond</c>.
    /// </summary>
    public double UploadsPerSecond { get; set; } = 10;

    /// <summary>The most uploads a caller may start at once after a quiet spell; 100 by default. Env: <c>RateLimits__UploadsBurst</c>.</summary>
    public int UploadsBurst { get; set; } = 100;

    /// <summary>
    /// The most uploads one process receives at the same time, from all callers together; one more is answered 429 at
    /// once (not queued); 4 by default. Env: <c>RateLimits__MaxConcurrentUploads</c>.
    /// </summary>
    public int MaxConcurrentUploads { get; set; } = 4;

    /// <summary>
    /// Failed authentications (a credential that is malformed, unknown, revoked or expired, answered 401) one client
    /// address may make per <see cref="FailedAuthenticationWindow"/>; after that every request from it that carries a
    /// credential or needs one is answered 429 until the window ends; 20 by default. Env: <c>RateLimits__FailedAuthenticationLimit</c>.
    /// </summary>
    public int FailedAuthenticationLimit { get; set; } = 20;

    /// <summary>The window of <see cref="FailedAuthenticationLimit"/>, starting at an address's first failure; 1 minute by default. Env: <c>RateLimits__FailedAuthenticationWindow</c>.</summary>
    public TimeSpan FailedAuthenticationWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The average and the burst of <paramref name="kind"/> (one of <see cref="RateLimitKinds.All"/>).</summary>
    public (double PerSecond, int Burst) Of(string kind) => kind switch
    {
        RateLimitKinds.Predictions => (PredictionsPerSecond, PredictionsBurst),
        RateLimitKinds.Feedback => (FeedbackPerSecond, FeedbackBurst),
        RateLimitKinds.Uploads => (UploadsPerSecond, UploadsBurst),
        _ => throw new ArgumentException($"'{kind}' is not a kind of rate limit; one of {string.Join(", ", RateLimitKinds.All)}", nameof(kind)),
    };

    /// <summary>How the settings of <paramref name="kind"/> start: <c>Predictions</c>, <c>Feedback</c> or <c>Uploads</c>.</summary>
    public static string SettingOf(string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        return char.ToUpperInvariant(kind[0]) + kind[1..];
    }

    /// <summary>How long a bucket of <paramref name="kind"/> takes to gain one request: 1 / its per-second rate.</summary>
    public TimeSpan RefillOf(string kind) => TimeSpan.FromSeconds(1 / Of(kind).PerSecond);

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        foreach (var kind in RateLimitKinds.All)
        {
            var (perSecond, burst) = Of(kind);
            var name = SettingOf(kind);
            if (!(perSecond >= MinPerSecond && perSecond <= MaxPerSecond))
                yield return $"{SectionName}:{name}PerSecond must be between {MinPerSecond} and {MaxPerSecond}, not {perSecond}.";
            if (burst < 1)
                yield return $"{SectionName}:{name}Burst must be at least 1, not {burst}.";
        }

        if (MaxConcurrentUploads < 1)
            yield return $"{SectionName}:MaxConcurrentUploads must be at least 1, not {MaxConcurrentUploads}.";
        if (FailedAuthenticationLimit < 1)
            yield return $"{SectionName}:FailedAuthenticationLimit must be at least 1, not {FailedAuthenticationLimit}.";
        if (FailedAuthenticationWindow <= TimeSpan.Zero || FailedAuthenticationWindow > TimeSpan.FromDays(1))
            yield return $"{SectionName}:FailedAuthenticationWindow must be more than zero and at most a day, not {FailedAuthenticationWindow}.";
    }
}
