using Integration.Tests.Online;

namespace Integration.Tests.Registry;

/// <summary>
/// The distributed system for the registry tests, which add, move and delete versions and aliases in its models folder
/// (a copy of its own, as every distributed system's, deleted with it).
/// </summary>
public sealed class RegistrySystem : DistributedSystem
{
    /// <summary>Versions to upload, made from the test model (read from its original folder, which nothing changes).</summary>
    public RegistryUploads Uploads { get; } = new(TestModel.ModelsFolderAsync().GetAwaiter().GetResult());
}
