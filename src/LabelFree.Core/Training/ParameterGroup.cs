using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LabelFree.Core.Training;

/// <summary>Parameters optimised together, with or without weight decay (and, for LARS, trust-ratio adaptation).</summary>
/// <param name="LearningRateScale">Multiplies the scheduled learning rate for this group.</param>
public sealed record ParameterGroup(string Name, IReadOnlyList<Parameter> Parameters, bool WeightDecay = true, double LearningRateScale = 1)
{
    /// <summary>Every parameter of <paramref name="network"/> that requires a gradient, in one group.</summary>
    public static ParameterGroup All(nn.Module network) => new("all", network.parameters().Where(p => p.requires_grad).ToList());

    /// <summary>
    /// The usual weight-decay exclusion (BERT, DINO, SimCLR's LARS): matrices and convolution kernels (two or more
    /// dimensions) decay; biases and normalisation scales (one dimension) do not.
    /// </summary>
    public static IReadOnlyList<ParameterGroup> SplitByDecay(nn.Module network)
    {
        var trainable = network.parameters().Where(p => p.requires_grad).ToList();
        return
        [
            new ParameterGroup("decay", trainable.Where(p => p.dim() >= 2).ToList()),
            new ParameterGroup("no_decay", trainable.Where(p => p.dim() < 2).ToList(), WeightDecay: false),
        ];
    }
}
