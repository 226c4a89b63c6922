namespace LabelFree.TestKit;

/// <summary>Paths into the repository's bundled data/ folder, found from the test assembly's location.</summary>
public static class RepoData
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (System.IO.File.Exists(Path.Combine(folder.FullName, "LabelFree.slnx"))) return folder.FullName;
        throw new InvalidOperationException("repository root (LabelFree.slnx) not found above " + AppContext.BaseDirectory);
    });

    public static string RepositoryRoot => Root.Value;

    public static string File(string relative) => Path.Combine(Root.Value, "data", relative);
}
