using static TorchSharp.torch;

namespace LabelFree.Core.Training;

/// <summary>
/// Exponential moving averages of a network's weights: the momentum teacher of DINO and BYOL, or the EMA weights that
/// diffusion models sample with. The target is a second network of the same architecture; call
/// <see cref="Update"/> from <see cref="ITrainable{TBatch}.AfterStep"/> and save the target through
/// <see cref="ITrainable{TBatch}.CheckpointState"/> (<see cref="StateOf"/>), so a resumed run continues it exactly.
/// </summary>
public static class Ema
{
    /// <summary>Makes <paramref name="target"/> an exact copy of <paramref name="source"/> (parameters and buffers) and freezes it.</summary>
    public static void CopyInto(nn.Module target, nn.Module source)
    {
        using var noGrad = no_grad();
        foreach (var (t, s) in Pair(target.named_parameters(), source.named_parameters())) t.copy_(s);
        foreach (var (t, s) in Pair(target.named_buffers(), source.named_buffers())) t.copy_(s);
        foreach (var p in target.parameters()) p.requires_grad = false;
    }

    /// <summary>
    /// target = decay * target + (1 - decay) * source for every parameter; buffers (such as batch-norm statistics)
    /// are copied. With decay 0.996 the target follows the source over about 250 steps.
    /// </summary>
    public static void Update(nn.Module target, nn.Module source, double decay)
    {
        if (decay is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(decay), decay, "an EMA decay lies in [0, 1]");
        using var noGrad = no_grad();
        foreach (var (t, s) in Pair(target.named_parameters(), source.named_parameters())) t.mul_(decay).add_(s.detach(), alpha: 1 - decay);
        foreach (var (t, s) in Pair(target.named_buffers(), source.named_buffers())) t.copy_(s);
    }

    /// <summary>The target's parameters and buffers under <paramref name="prefix"/>, for a checkpoint.</summary>
    public static Dictionary<string, Tensor> StateOf(nn.Module target, string prefix) =>
        target.state_dict().ToDictionary(kv => prefix + kv.Key, kv => kv.Value);

    /// <summary>Restores the target from a checkpoint's state written by <see cref="StateOf"/>.</summary>
    public static void Restore(nn.Module target, IReadOnlyDictionary<string, Tensor> state, string prefix)
    {
        var own = state.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        Models.ModelFolder.LoadStateDict(target, own, "checkpoint (EMA weights)");
    }

    private static IEnumerable<(Tensor Target, Tensor Source)> Pair<T>(IEnumerable<(string Name, T Tensor)> target, IEnumerable<(string Name, T Tensor)> source)
        where T : Tensor
    {
        var bySource = source.ToDictionary(p => p.Name, p => (Tensor)p.Tensor);
        foreach (var (name, tensor) in target)
        {
            if (!bySource.TryGetValue(name, out var s) || !s.shape.SequenceEqual(tensor.shape))
                throw new ArgumentException($"EMA: the networks differ at '{name}'");
            yield return (tensor, s);
        }
    }
}
