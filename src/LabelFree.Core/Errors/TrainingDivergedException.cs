namespace LabelFree.Core.Errors;

/// <summary>
/// Training produced a NaN or infinite loss. The message names the step and the last good checkpoint, which the
/// Trainer leaves in place; the program prints it as one line and exits with code 1.
/// </summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
