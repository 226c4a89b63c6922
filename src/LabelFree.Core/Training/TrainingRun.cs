using LabelFree.Core.Progress;

namespace LabelFree.Core.Training;

/// <summary>
/// How one training run goes: its options, its run folder (metrics.jsonl and checkpoints; null trains in memory),
/// where progress goes, whether it resumes a killed run, and a token that stops it between steps.
/// </summary>
public sealed record TrainingRun(TrainerOptions Options, string? Folder = null, IProgressReporter? Progress = null, bool Resume = false)
{
    public CancellationToken Cancel { get; init; }
}
