using LabelFree.Core.Errors;

namespace LabelFree.Core.Training;

/// <summary>
/// A stop the user asked for (Ctrl-C or SIGTERM, registered by the program): a training run finishes the step it is in,
/// writes a checkpoint there and throws <see cref="TrainingInterruptedException"/>, so the same command with resume
/// continues exactly where it stopped. Work outside a training loop does not look at it.
/// </summary>
public static class Interruption
{
    private static volatile bool _requested;

    public static bool Requested => _requested;

    public static void Request() => _requested = true;

    /// <summary>Forgets a request (for tests that interrupt a run in-process and then train again).</summary>
    public static void Clear() => _requested = false;
}
