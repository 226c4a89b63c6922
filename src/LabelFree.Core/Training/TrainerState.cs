namespace LabelFree.Core.Training;

/// <summary>The Trainer's own state at a checkpoint, saved as trainer.json beside the weights and optimizer state.</summary>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="TorchRngState">LibTorch's CPU generator state (base64), for dropout and sampling inside the model.</param>
/// <param name="PendingLoss">Sums over the steps since the last metrics line, so a resumed run logs the same means.</param>
/// <param name="AccumulationSteps">Micro-batches per step; with the batch size it fixes which samples each step saw.</param>
public sealed record TrainerState(
    long Step,
    long Seed,
    int BatchSize,
    double? BestValidationLoss,
    long? BestStep,
    int ValidationsWithoutImprovement,
    string TorchRngState,
    LossSums? PendingLoss = null,
    int AccumulationSteps = 1);

/// <summary>Weighted sums of a loss and its terms.</summary>
public sealed record LossSums(double Loss, double Weight, IReadOnlyDictionary<string, double> Terms);
