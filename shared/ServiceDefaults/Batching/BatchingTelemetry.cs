using System.Diagnostics;

namespace ServiceDefaults.Batching;

/// <summary>
/// The spans of work done for several requests at once, exported by every service: <see cref="AdaptiveBatcher{TKey, TRequest, TAnswer}"/>'s
/// batches, and messages that carry the events of several requests.
/// </summary>
public static class BatchingTelemetry
{
    /// <summary>The activity source of the batches' spans.</summary>
    public const string ActivitySourceName = "Platform.Batching";

    /// <summary>The activity source (its spans are the children of the first request's and linked to the others').</summary>
    public static readonly ActivitySource Source = new(ActivitySourceName);
}
