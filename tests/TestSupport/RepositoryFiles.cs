namespace TestSupport;

/// <summary>Files of the repository itself (e.g. the demo cards under <c>demo/</c>), found from the test's build output.</summary>
public static class RepositoryFiles
{
    /// <summary>The full path of <paramref name="relativePath"/> in the nearest folder above the test's output that has it.</summary>
    /// <exception cref="FileNotFoundException">No folder above has it.</exception>
    public static string Find(string relativePath)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, relativePath);
            if (File.Exists(path))
                return path;
        }

        throw new FileNotFoundException($"{relativePath} was not found above {AppContext.BaseDirectory}");
    }
}
