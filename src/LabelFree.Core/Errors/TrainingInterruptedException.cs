namespace LabelFree.Core.Errors;

/// <summary>A training run stopped on the user's request after <paramref name="step"/> steps, checkpointed in <paramref name="checkpoints"/> (null: an in-memory run).</summary>
public sealed class TrainingInterruptedException(long step, string? checkpoints)
    : Exception(checkpoints is null ? $"interrupted after step {step}" : $"interrupted after step {step}; checkpoint in {checkpoints}: the same command with resume continues from there")
{
    public long Step { get; } = step;
}
