namespace ServiceDefaults.ServedModels;

/// <summary>How a service follows the registry's served models. Section <c>ServedModels</c>.</summary>
public sealed class ServedModelsOptions : IValidatedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ServedModels";

    /// <summary>How long to wait for the registry's answer. Env: <c>ServedModels__RequestTimeout</c>.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often to ask again without an announcement, in case one was missed (e.g. while the broker was
    /// down). Env: <c>ServedModels__RefreshInterval</c>.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between attempts while the registry does not answer. Env: <c>ServedModels__MaxRetryDelay</c>.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <inheritdoc />
    public IEnumerable<string> Errors()
    {
        if (RequestTimeout <= TimeSpan.Zero)
            yield return "ServedModels:RequestTimeout must be positive.";
        if (RefreshInterval <= TimeSpan.Zero)
            yield return "ServedModels:RefreshInterval must be positive.";
        if (MaxRetryDelay <= TimeSpan.Zero)
            yield return "ServedModels:MaxRetryDelay must be positive.";
    }
}
