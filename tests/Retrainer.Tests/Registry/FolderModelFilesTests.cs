using Retrainer.Registry;

namespace Retrainer.Tests.Registry;

/// <summary>The models folder's files: no name and no reference reaches a path outside the folder.</summary>
public sealed class FolderModelFilesTests : IDisposable
{
    private readonly string _parent = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"folder-model-files-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    private string Root => Path.Combine(_parent, "models");

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../outside")]
    [InlineData("a/b")]
    public async Task A_dataset_of_a_model_name_that_is_not_plain_is_refused_and_nothing_is_written(string model)
    {
        var files = new FolderModelFiles(Root);
        using var content = new MemoryStream([1, 2, 3]);

        await Assert.ThrowsAsync<ArgumentException>(() => files.WriteDatasetAsync(model, content, CancellationToken.None));

        Assert.Equal([], Directory.EnumerateFileSystemEntries(_parent, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../secret")]
    [InlineData("flight-delay/../../secret")]
    [InlineData("/etc/passwd")]
    public async Task A_reference_that_leaves_the_folder_is_refused(string reference)
    {
        File.WriteAllText(Path.Combine(_parent, "secret"), "not a model");
        var files = new FolderModelFiles(Root);

        await Assert.ThrowsAsync<ArgumentException>(() => files.ReadAsync(reference, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => files.OpenReadAsync(reference, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => files.DeleteAsync(reference, CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(_parent, "secret")));
    }

    [Fact]
    public async Task A_dataset_is_written_and_read_back_by_its_reference()
    {
        var files = new FolderModelFiles(Root);
        using var content = new MemoryStream([1, 2, 3]);

        var reference = await files.WriteDatasetAsync("flight-delay", content, CancellationToken.None);

        Assert.Equal([1, 2, 3], await files.ReadAsync(reference, CancellationToken.None));
        await files.DeleteAsync(reference, CancellationToken.None);
        Assert.Null(await files.ReadAsync(reference, CancellationToken.None));
    }
}
