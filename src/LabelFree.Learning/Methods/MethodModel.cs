using LabelFree.Core.Models;
using LabelFree.Core.Training;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods;

/// <summary>A method's config record: checked by <see cref="Validate"/>, which names the bad field.</summary>
public interface IMethodConfig<out TSelf>
{
    TSelf Validate();
}

/// <summary>Any trained or trainable model of a method, as code that handles several methods sees it.</summary>
public interface IMethodModel : IDisposable
{
    /// <summary>The method's name in model folders.</summary>
    string Method { get; }

    /// <summary>The validated config record (compared by value; written to run folders).</summary>
    object ConfigRecord { get; }

    nn.Module Network { get; }

    /// <summary>Writes the model folder, recording the seed and the steps it was trained for.</summary>
    void Save(string folder, long seed, long step);
}

/// <summary>What a method tells <see cref="MethodModel{TSelf, TConfig, TNet, TBatch}"/> about itself: its name in model folders, how to build its network from a config, and how to wrap both.</summary>
public interface IMethodDefinition<out TSelf, in TConfig, TNet>
{
    /// <summary>The name written to config.json and checked on load ("scvi", "strega"...).</summary>
    static abstract string MethodName { get; }

    static abstract TNet BuildNetwork(TConfig config);

    static abstract TSelf Wrap(TConfig config, TNet network, Device device);
}

/// <summary>
/// The shell every method shares: a validated config and its network on a device; <see cref="Create"/> (seeded
/// initial weights), <see cref="Load"/> and <see cref="Save"/> (a model folder that rebuilds the network from its
/// config), training through the <see cref="Trainer{TBatch}"/> and disposal. A method supplies its config, network,
/// <see cref="Loss"/> and its own verbs (Embed, Detect, PredictFlow...), and overrides the Trainer's extension points
/// it needs (<see cref="ParameterGroups"/>, <see cref="AfterStep"/>, <see cref="CheckpointState"/>...).
/// </summary>
public abstract class MethodModel<TSelf, TConfig, TNet, TBatch> : ITrainable<TBatch>, IMethodModel
    where TSelf : MethodModel<TSelf, TConfig, TNet, TBatch>, IMethodDefinition<TSelf, TConfig, TNet>
    where TConfig : IMethodConfig<TConfig>
    where TNet : nn.Module
{
    protected MethodModel(TConfig config, TNet network, Device device)
    {
        Config = config;
        Net = network;
        Device = device;
    }

    public TConfig Config { get; }

    public object ConfigRecord => Config!;

    /// <summary>The method's name in model folders.</summary>
    public string Method => TSelf.MethodName;

    public nn.Module Network => Net;

    protected TNet Net { get; }

    protected Device Device { get; }

    /// <summary>A new model with weights drawn after seeding LibTorch with <paramref name="seed"/>.</summary>
    public static TSelf Create(TConfig config, long seed, Device device)
    {
        var valid = config.Validate();
        return TSelf.Wrap(valid, ModelFolder.NewNetwork(() => TSelf.BuildNetwork(valid), seed, device), device);
    }

    /// <summary>Rebuilds a saved model from its folder (config.json + model.safetensors); no training code needed.</summary>
    public static TSelf Load(string folder, Device device)
    {
        var (config, network) = ModelFolder.Load(folder, TSelf.MethodName, (TConfig c) => c.Validate(), TSelf.BuildNetwork, device);
        return TSelf.Wrap(config, network, device);
    }

    /// <summary>Writes the model folder, recording the seed and the steps it was trained for.</summary>
    public void Save(string folder, long seed, long step) => ModelFolder.Save(folder, TSelf.MethodName, Config, Net, seed, step);

    public abstract LossOutput Loss(TBatch batch, TrainingStep at);

    public virtual IReadOnlyList<ParameterGroup> ParameterGroups() => [ParameterGroup.All(Net)];

    public virtual void AfterStep(TrainingStep at) { }

    public virtual IReadOnlyDictionary<string, Tensor> CheckpointState() => new Dictionary<string, Tensor>();

    public virtual void RestoreCheckpointState(IReadOnlyDictionary<string, Tensor> state) { }

    public virtual IReadOnlyDictionary<string, double> ValidationMetrics(TrainingStep at) => new Dictionary<string, double>();

    /// <summary>Trains on indexed samples with the shared Trainer.</summary>
    protected TrainingResult Train(IBatchSource<TBatch> train, IBatchSource<TBatch>? validation, TrainingRun run) =>
        new Trainer<TBatch>(this, run.Options, run.Folder, run.Progress).Fit(train, validation, run.Resume, run.Cancel);

    /// <summary>Trains on a stream of batches with the shared Trainer.</summary>
    protected TrainingResult Train(IBatchStream<TBatch> train, IBatchSource<TBatch>? validation, TrainingRun run) =>
        new Trainer<TBatch>(this, run.Options, run.Folder, run.Progress).Fit(train, validation, run.Resume, run.Cancel);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the network; a method that owns more (a teacher network) extends this.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) Net.Dispose();
    }
}
