using LabelFree.Core.Errors;

namespace LabelFree.Cli;

/// <summary>Finds the bundled real data (the repository's data/ folder, or LABELFREE_DATA).</summary>
public static class DataFolder
{
    public const string Variable = "LABELFREE_DATA";

    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
            return Directory.Exists(configured) ? configured : throw new UserInputException($"{Variable}={configured}: folder not found");
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "data");
            if (Directory.Exists(Path.Combine(candidate, "imaging"))) return candidate;
        }
        throw new UserInputException($"bundled data not found: run from a LabelFree checkout or set {Variable} to its data folder");
    }

    /// <summary>A file of the bundled data, which must exist.</summary>
    public static string File(string relative)
    {
        var path = Path.Combine(Locate(), relative);
        UserInputException.RequireFile(path, "bundled data file");
        return path;
    }
}
