namespace LabelFree.TestKit;

/// <summary>Finds files of the repository (bundled data) from a test's output folder.</summary>
public static class RepositoryFiles
{
    /// <summary>The repository root: the nearest folder above the test binaries that holds LabelFree.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path under the repository root.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "LabelFree.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no LabelFree.slnx above {AppContext.BaseDirectory}");
    }
}
