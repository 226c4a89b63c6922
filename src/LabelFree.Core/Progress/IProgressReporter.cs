namespace LabelFree.Core.Progress;

/// <summary>Shows long work to the user (a progress bar on a terminal, periodic lines otherwise, nothing in tests).</summary>
public interface IProgressReporter
{
    /// <summary>Starts a task of <paramref name="total"/> units of which <paramref name="completed"/> are already done.</summary>
    IProgressTask Start(string title, long total, long completed = 0);

    /// <summary>A one-line note (for example "resumed from step 400").</summary>
    void Info(string line);
}

public interface IProgressTask : IDisposable
{
    /// <summary>Moves to <paramref name="completed"/> units with a short status (loss, rate).</summary>
    void Report(long completed, string status);
}

/// <summary>Shows nothing.</summary>
public sealed class SilentProgress : IProgressReporter
{
    public static readonly SilentProgress Instance = new();

    public IProgressTask Start(string title, long total, long completed = 0) => new Task();

    public void Info(string line) { }

    private sealed class Task : IProgressTask
    {
        public void Report(long completed, string status) { }

        public void Dispose() { }
    }
}
