using System.Diagnostics;
using LabelFree.Core.Progress;
using Spectre.Console;

namespace LabelFree.Cli;

/// <summary>
/// Progress on standard error: a Spectre.Console bar (description, bar, percentage, time left) on a terminal, and a
/// plain line every 10% or 30 seconds when the output is redirected (logs, CI). Standard output stays free for results.
/// </summary>
public sealed class ConsoleProgress : IProgressReporter
{
    private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public IProgressTask Start(string title, long total, long completed = 0) =>
        _console.Profile.Capabilities.Interactive && !Console.IsErrorRedirected
            ? new BarTask(_console, title, total, completed)
            : new LineTask(title, total, completed);

    public void Info(string line) => Console.Error.WriteLine(line);

    /// <summary>A Spectre progress bar rendered on a background thread while the caller reports into it.</summary>
    private sealed class BarTask : IProgressTask
    {
        private readonly TaskCompletionSource _done = new();
        private readonly Task _render;
        private ProgressTask? _task;
        private readonly ManualResetEventSlim _ready = new();
        private readonly string _title;

        public BarTask(IAnsiConsole console, string title, long total, long completed)
        {
            _title = title;
            _render = console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    _task = context.AddTask(Markup.Escape(title), maxValue: Math.Max(1, total));
                    _task.Value = completed;
                    _ready.Set();
                    await _done.Task;
                    _task.Value = _task.MaxValue;
                    _task.StopTask();
                });
            _ready.Wait();
        }

        public void Report(long completed, string status)
        {
            _task!.Value = completed;
            _task.Description = Markup.Escape($"{_title} {status}");
        }

        public void Dispose()
        {
            _done.TrySetResult();
            _render.GetAwaiter().GetResult();
            _ready.Dispose();
        }
    }

    private sealed class LineTask(string title, long total, long completed) : IProgressTask
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly long _start = completed;
        private long _lastDecile = total > 0 ? completed * 10 / total : 0;
        private TimeSpan _lastLine = TimeSpan.Zero;

        public void Report(long done, string status)
        {
            var decile = total > 0 ? done * 10 / total : 0;
            var now = _clock.Elapsed;
            if (decile == _lastDecile && now - _lastLine < TimeSpan.FromSeconds(30) && done != total) return;
            _lastDecile = decile;
            _lastLine = now;
            var rate = (done - _start) / Math.Max(now.TotalSeconds, 1e-9);
            var eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
            Console.Error.WriteLine($"{title} {done}/{total} ({100.0 * done / Math.Max(1, total):0}%) {status}, ETA {eta:h\\:mm\\:ss}");
        }

        public void Dispose() { }
    }
}
