namespace Modeling.Tests.Bundles;

/// <summary>A unique folder under the system temporary folder, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"modeling-tests-{Guid.NewGuid():N}")).FullName;

    /// <summary>The path of <paramref name="parts"/> inside this folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates an empty file (and its folders) inside this folder and returns its path.</summary>
    public string CreateFile(params string[] parts)
    {
        var file = Combine(parts);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, []);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
