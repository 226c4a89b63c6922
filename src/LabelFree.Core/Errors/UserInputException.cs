namespace LabelFree.Core.Errors;

/// <summary>
/// A problem with what the user gave us: a missing or malformed file, a bad option value. The program prints the
/// message as one line and exits with code 2. The message names the file or option and what is wrong with it.
/// </summary>
public sealed class UserInputException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Throws when <paramref name="path"/> does not name an existing file.</summary>
    public static void RequireFile(string path, string what = "input file")
    {
        if (!File.Exists(path))
            throw new UserInputException(Directory.Exists(path)
                ? $"{path}: expected a {what}, found a folder"
                : $"{path}: {what} not found");
    }
}
