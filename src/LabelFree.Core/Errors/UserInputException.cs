namespace LabelFree.Core.Errors;

/// <summary>
/// A problem with what the user gave us: a missing or malformed file, a bad option value. The program prints the
/// message as one line and exits with code 2. The message names the file or setting and what is wrong with it.
/// </summary>
public class UserInputException(string message, Exception? inner = null) : Exception(message, inner)
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

/// <summary>
/// A bad value of one named setting (<c>learning_rate</c>, <c>threads</c>, <c>brain_mask</c>...). Lower layers name the
/// setting, never a command-line flag: the command-line program prints the flag that sets it (<c>--lr: ...</c>), and
/// other callers see <see cref="Exception.Message"/> (<c>learning_rate: ...</c>, or <paramref name="label"/>).
/// </summary>
/// <param name="setting">The setting's name in snake case, as it appears in config.json.</param>
/// <param name="problem">What is wrong, without the setting's name ("expected a positive number, got 0").</param>
/// <param name="label">How the message names the setting when no flag does (default: the setting's name).</param>
public sealed class SettingException(string setting, string problem, string? label = null)
    : UserInputException($"{label ?? setting}: {problem}")
{
    public string Setting { get; } = setting;

    public string Problem { get; } = problem;
}
