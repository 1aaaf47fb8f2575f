using Integration.Tests.Online;

namespace Integration.Tests.Registry;

/// <summary>
/// The distributed system on a copy of the test models folder of its own, since the registry tests add, move
/// and delete versions and aliases there.
/// </summary>
public sealed class RegistrySystem : DistributedSystem
{
    public RegistrySystem()
        : this(TestModel.CopyOfModelsFolderAsync().GetAwaiter().GetResult())
    {
    }

    private RegistrySystem(string modelsFolder)
        : base(new Dictionary<string, string> { ["Registry__ModelsFolder"] = modelsFolder })
    {
        Uploads = new RegistryUploads(modelsFolder);
    }

    /// <summary>Versions to upload, made from the test model.</summary>
    public RegistryUploads Uploads { get; }
}
