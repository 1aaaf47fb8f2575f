namespace Modeling.Flights;

/// <summary>Where the demo data is: fetched by <c>scripts/fetch-demo-data.sh</c> into <c>.data/</c> at the repository root.</summary>
public static class DemoData
{
    /// <summary>The file's path inside the npm package folder.</summary>
    public const string PackageRelativePath = "node_modules/vega-datasets/data/flights-3m.parquet";

    /// <summary>Names the data set in model lineage.</summary>
    public const string DatasetName = "vega-datasets@3.2.1/data/flights-3m.parquet";

    /// <summary>
    /// The path of <c>flights-3m.parquet</c>: <c>DEMO_DATA_DIR</c> (the folder holding node_modules) when set,
    /// otherwise <c>.data/vega-datasets</c> in the nearest folder above the start folder that has one.
    /// </summary>
    public static string? FindFlightsFile(string? startFolder = null) => FindFile(Path.GetFileName(PackageRelativePath), startFolder);

    /// <summary>
    /// The path of another file of the package's data folder (e.g. <c>seattle-weather.csv</c>), looked for as
    /// <see cref="FindFlightsFile"/> looks for the flights.
    /// </summary>
    public static string? FindFile(string fileName, string? startFolder = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        var relative = Path.Combine(Path.GetDirectoryName(PackageRelativePath)!, fileName);
        if (Environment.GetEnvironmentVariable("DEMO_DATA_DIR") is { Length: > 0 } configured)
        {
            var path = Path.Combine(configured, relative);
            return File.Exists(path) ? path : null;
        }

        for (var folder = new DirectoryInfo(startFolder ?? AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, ".data", "vega-datasets", relative);
            if (File.Exists(path))
                return path;
        }

        return null;
    }

    /// <summary>Like <see cref="FindFlightsFile"/>, but says how to fetch the data when it is not there.</summary>
    public static string RequireFlightsFile(string? startFolder = null) =>
        FindFlightsFile(startFolder) ?? throw new FileNotFoundException(
            "The demo data (flights-3m.parquet) was not found. Run scripts/fetch-demo-data.sh from the repository root, " +
            "or set DEMO_DATA_DIR to the folder that holds node_modules/vega-datasets.");
}
