using System.Text.Json.Nodes;
using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Micdir;
using LabelFree.Learning.Methods.VoxelMorph;
using static TorchSharp.torch;

using LabelFree.Learning.Registration;

namespace LabelFree.Learning.Methods.Deformable;

/// <summary>
/// The deformable registration methods LabelFree knows, by name: a new model with its published defaults on a grid,
/// a saved model of any of them, and the training they share.
/// </summary>
public static class DeformableMethods
{
    private sealed record Entry(string Name, Func<RegistrationGrid, bool, long, Device, IDeformableModel> Create, Func<string, Device, IDeformableModel> Load);

    private static readonly Entry[] Known =
    [
        new(VoxelMorph.VoxelMorph.MethodName, (grid, bidirectional, seed, device) => VoxelMorph.VoxelMorph.Create(new VoxelMorphConfig { Grid = grid, Bidirectional = bidirectional }, seed, device),
            VoxelMorph.VoxelMorph.Load),
        new(Micdir.Micdir.MethodName, (grid, _, seed, device) => Micdir.Micdir.Create(new MicdirConfig { Grid = grid }, seed, device), Micdir.Micdir.Load),
    ];

    /// <summary>The methods' names, as config.json and the command line spell them.</summary>
    public static IReadOnlyList<string> Names => Known.Select(k => k.Name).ToArray();

    /// <summary>
    /// The training deformations: the held-out pairs' smooth displacement and intensity changes, with rotation and
    /// scaling cut to 2 degrees and 2% because affine pre-alignment removes those before the network sees a pair.
    /// </summary>
    public static readonly DeformationOptions TrainingDeformation = new(RotationDegrees: 2, ScaleFraction: 0.02);

    /// <summary>
    /// A new model of <paramref name="method"/> on <paramref name="grid"/> with the method's published defaults;
    /// <paramref name="bidirectional"/> applies to VoxelMorph (MICDIR is always symmetric).
    /// </summary>
    public static IDeformableModel Create(string method, RegistrationGrid grid, bool bidirectional, long seed, Device device) =>
        Find(method, $"'{method}' is not a registration method (expected {string.Join(" or ", Names)})").Create(grid, bidirectional, seed, device);

    /// <summary>Opens a saved model of any deformable method, by the method named in its config.json.</summary>
    public static IDeformableModel Load(string folder, Device device)
    {
        var path = Path.Combine(folder, ModelFolder.ConfigFile);
        UserInputException.RequireFile(path, "model config");
        var method = JsonNode.Parse(File.ReadAllText(path))?["method"]?.GetValue<string>();
        return Find(method, $"{path}: '{method}' is not a registration model (expected {string.Join(" or ", Names)})").Load(folder, device);
    }

    /// <summary>
    /// Training as LabelFree runs it for both methods: Adam 1e-3 (the reference: 1e-4 over far more steps), one pair per
    /// step, <paramref name="steps"/> steps, validation every tenth and a checkpoint every fifth of the run, the last weights kept.
    /// </summary>
    public static TrainerOptions DefaultTraining(long steps, long seed) => new()
    {
        Seed = seed,
        MaxSteps = steps,
        Epochs = 1,
        BatchSize = 1,
        LearningRate = 1e-3,
        ValidateEverySteps = Math.Max(10, steps / 10),
        CheckpointEverySteps = Math.Max(10, steps / 5),
        LogEverySteps = 10,
        RestoreBestWeights = false,
    };

    private static Entry Find(string? method, string error) => Known.FirstOrDefault(k => k.Name == method) ?? throw new UserInputException(error);
}
