using System.Globalization;
using LabelFree.Core.IO;
using LabelFree.Core.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LabelFree.Core.Training;

/// <summary>
/// Checkpoints of one run under RUN/checkpoints: <c>step-NNNNNNNN/</c> folders holding <c>model.safetensors</c>,
/// <c>optimizer.bin</c>, <c>trainer.json</c> and, when the method keeps more state (an EMA teacher), <c>extra.safetensors</c>,
/// each written in a hidden staging folder and renamed into place, so a
/// run killed at any moment leaves only complete checkpoints. <c>best.safetensors</c> holds the weights of the best
/// validation so far.
/// </summary>
public sealed class CheckpointStore(string runFolder, int keep)
{
    private const string Prefix = "step-";
    private const string StateFile = "trainer.json";
    private const string OptimizerFile = "optimizer.bin";
    private const string ExtraFile = "extra.safetensors";

    public string Folder { get; } = Path.Combine(runFolder, "checkpoints");

    public string BestWeightsPath => Path.Combine(Folder, "best.safetensors");

    public void Save(nn.Module network, OptimizerHelper optimizer, TrainerState state, IReadOnlyDictionary<string, Tensor> extra)
    {
        Directory.CreateDirectory(Folder);
        var name = Prefix + state.Step.ToString("D8", CultureInfo.InvariantCulture);
        var staging = Path.Combine(Folder, "." + name + ".tmp");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        Safetensors.Save(Path.Combine(staging, ModelFolder.WeightsFile), network.state_dict());
        optimizer.save_state_dict(Path.Combine(staging, OptimizerFile));
        if (extra.Count > 0) Safetensors.Save(Path.Combine(staging, ExtraFile), extra);
        Json.Write(Path.Combine(staging, StateFile), state);

        var final = Path.Combine(Folder, name);
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(staging, final);
        foreach (var old in Complete().SkipLast(keep)) Directory.Delete(old, recursive: true);
    }

    /// <summary>The newest complete checkpoint folder, or null.</summary>
    public string? Latest() => Complete().LastOrDefault();

    /// <summary>
    /// Loads a checkpoint into the network and optimizer and returns the Trainer's state and the method's extra state
    /// (tensors the caller disposes).
    /// </summary>
    public static (TrainerState State, Dictionary<string, Tensor> Extra) Restore(string checkpoint, nn.Module network, OptimizerHelper optimizer)
    {
        var state = Json.Read<TrainerState>(Path.Combine(checkpoint, StateFile));
        ModelFolder.LoadWeights(checkpoint, network);
        optimizer.load_state_dict(Path.Combine(checkpoint, OptimizerFile));
        var extraPath = Path.Combine(checkpoint, ExtraFile);
        return (state, File.Exists(extraPath) ? Safetensors.Load(extraPath) : []);
    }

    private IEnumerable<string> Complete() =>
        Directory.Exists(Folder)
            ? Directory.GetDirectories(Folder, Prefix + "*")
                .Where(d => File.Exists(Path.Combine(d, StateFile)))
                .Order(StringComparer.Ordinal)
            : [];
}
