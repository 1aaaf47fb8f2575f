namespace Integration.Tests;

/// <summary>
/// The folders a service writes to (SQLite stores, the models folder, batch uploads) under one temporary root of a
/// test's own, deleted on dispose. Without them a service writes under its build output, which every run and every
/// concurrent test process would share.
/// </summary>
public sealed class ServiceFolders : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"it-service-{Guid.NewGuid():N}");

    /// <summary>The settings that point a service at these folders (the models folder starts empty).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["Storage__DataFolder"] = Path.Combine(_root, "store"),
        ["Registry__ModelsFolder"] = Path.Combine(_root, "models"),
        ["Batches__UploadFolder"] = Path.Combine(_root, "batches"),
    };

    /// <summary>These folders' settings with <paramref name="settings"/> added.</summary>
    public Dictionary<string, string> With(IReadOnlyDictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string>(Environment);
        foreach (var (key, value) in settings)
            environment[key] = value;
        return environment;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}
