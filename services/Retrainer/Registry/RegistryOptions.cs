namespace Retrainer.Registry;

/// <summary>Where the Retrainer keeps model bundles, and whether it trains the demo model when there is none. Section <c>Registry</c>.</summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Registry";

    /// <summary>Folder of the bundles, laid out as <c>{name}/{version}/</c>. Env: <c>Registry__ModelsFolder</c>.</summary>
    public string ModelsFolder { get; set; } = Path.Combine(".data", "models");

    /// <summary>Train the flight-delay model on January 2001 at start-up when no version exists. Env: <c>Registry__BootstrapDemoModel</c>.</summary>
    public bool BootstrapDemoModel { get; set; } = true;
}
