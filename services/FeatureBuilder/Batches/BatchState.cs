namespace FeatureBuilder.Batches;

/// <summary>Where a batch is in its life. Stored and shown as the lower-case name (<c>running</c>).</summary>
public enum BatchState
{
    /// <summary>Accepted (the input is stored or named), not read yet.</summary>
    Queued,

    /// <summary>Being read, featurized and scored.</summary>
    Running,

    /// <summary>Every valid row is scored and stored; the results can be downloaded.</summary>
    Completed,

    /// <summary>The input could not be read (see <see cref="Batch.Error"/>); the rows scored so far are kept.</summary>
    Failed,
}
