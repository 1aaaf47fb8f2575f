namespace Modeling.Features;

/// <summary>The outcome of featurizing one record: valid, or the list of field errors.</summary>
public readonly struct FeaturizeResult
{
    private readonly List<FieldError>? _errors;

    internal FeaturizeResult(List<FieldError>? errors) => _errors = errors;

    /// <summary>Whether every field was valid and the destination holds the feature vector.</summary>
    public bool IsValid => _errors is null;

    /// <summary>One entry per invalid field; empty when valid.</summary>
    public IReadOnlyList<FieldError> Errors => _errors ?? (IReadOnlyList<FieldError>)[];
}
