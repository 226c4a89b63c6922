namespace LabelFree.Core.Models;

/// <summary>What made a model: the method, the software versions, the seed and the training step it was saved at.</summary>
public sealed record ModelMeta(
    string Method,
    string LabelFreeVersion,
    string TorchSharpVersion,
    string LibTorchVersion,
    long Seed,
    long Step,
    DateTimeOffset SavedAt);
