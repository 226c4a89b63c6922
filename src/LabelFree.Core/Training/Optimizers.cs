using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LabelFree.Core.Training;

/// <summary>
/// The optimizer of <see cref="TrainerOptions.Optimizer"/> over a method's parameter groups, and what the Trainer does to
/// it each step: set every group's learning rate and weight decay from the schedules, and (LARS) scale the gradients
/// by their trust ratios. Its state is the TorchSharp optimizer's, saved in every checkpoint.
/// </summary>
internal sealed class Optimizers : IDisposable
{
    private readonly TrainerOptions _options;
    private readonly IReadOnlyList<ParameterGroup> _groups;

    public Optimizers(IReadOnlyList<ParameterGroup> groups, TrainerOptions options)
    {
        _options = options;
        _groups = groups.Where(g => g.Parameters.Count > 0).ToList();
        if (_groups.Count == 0) throw new InvalidOperationException("the network has no parameters to train");
        var decay = options.WeightDecayAt(0, 1);
        Optimizer = options.Optimizer switch
        {
            OptimizerKind.Adam => optim.Adam(_groups.Select(g => new Adam.ParamGroup(g.Parameters, options.LearningRate, options.Beta1, options.Beta2,
                options.AdamEpsilon, g.WeightDecay ? decay : 0)), options.LearningRate, options.Beta1, options.Beta2, options.AdamEpsilon),
            OptimizerKind.AdamW => optim.AdamW(_groups.Select(g => new AdamW.ParamGroup(g.Parameters, options.LearningRate, options.Beta1, options.Beta2,
                options.AdamEpsilon, g.WeightDecay ? decay : 0)), options.LearningRate, options.Beta1, options.Beta2, options.AdamEpsilon),
            // LARS applies its weight decay itself, before the trust ratio; SGD then only adds momentum.
            OptimizerKind.Sgd or OptimizerKind.Lars => optim.SGD(_groups.Select(g => new SGD.ParamGroup(g.Parameters, options.LearningRate, options.Momentum,
                0, options.Optimizer == OptimizerKind.Sgd && g.WeightDecay ? decay : 0, options.Nesterov)), options.LearningRate, options.Momentum, nesterov: options.Nesterov),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "unknown optimizer"),
        };
    }

    public OptimizerHelper Optimizer { get; }

    /// <summary>Every parameter that is optimised.</summary>
    public IEnumerable<Parameter> Parameters => _groups.SelectMany(g => g.Parameters);

    /// <summary>Sets each group's learning rate and weight decay for <paramref name="step"/>.</summary>
    public void Schedule(long step, long totalSteps)
    {
        var learningRate = _options.LearningRateAt(step, totalSteps);
        var decay = _options.WeightDecayAt(step, totalSteps);
        foreach (var (group, torchGroup) in _groups.Zip(Optimizer.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>()))
        {
            torchGroup.LearningRate = learningRate * group.LearningRateScale;
            var groupDecay = group.WeightDecay ? decay : 0;
            switch (torchGroup.Options)
            {
                case Adam.Options adam: adam.weight_decay = groupDecay; break;
                case AdamW.Options adamW: adamW.weight_decay = groupDecay; break;
                case SGD.Options sgd: sgd.weight_decay = _options.Optimizer == OptimizerKind.Sgd ? groupDecay : 0; break;
            }
        }
    }

    /// <summary>LARS: g := (g + wd w) * eta ||w|| / ||g + wd w|| for the groups with weight decay (1 where a norm is 0). Nothing for other optimizers.</summary>
    public void AdaptGradients(long step, long totalSteps)
    {
        if (_options.Optimizer != OptimizerKind.Lars) return;
        var decay = _options.WeightDecayAt(step, totalSteps);
        using var noGrad = no_grad();
        foreach (var parameter in _groups.Where(g => g.WeightDecay).SelectMany(g => g.Parameters))
        {
            using var scope = NewDisposeScope();
            var grad = parameter.grad;
            if (grad is null) continue;
            if (decay != 0) grad.add_(parameter, alpha: decay);
            var weightNorm = parameter.norm();
            var gradNorm = grad.norm();
            var trust = where(weightNorm.gt(0) & gradNorm.gt(0), weightNorm * _options.LarsTrustCoefficient / gradNorm, ones_like(weightNorm));
            grad.mul_(trust);
        }
    }

    public void Dispose() => Optimizer.Dispose();
}
