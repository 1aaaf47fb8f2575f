using System.Diagnostics;

namespace ServiceDefaults.Batching;

/// <summary>The spans of <see cref="AdaptiveBatcher{TKey, TRequest, TAnswer}"/>'s batches, exported by every service.</summary>
public static class BatchingTelemetry
{
    /// <summary>The activity source of the batches' spans.</summary>
    public const string ActivitySourceName = "Platform.Batching";

    internal static readonly ActivitySource Source = new(ActivitySourceName);
}
