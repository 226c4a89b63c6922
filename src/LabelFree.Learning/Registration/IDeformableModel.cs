using LabelFree.Core.Progress;
using LabelFree.Core.Training;

namespace LabelFree.Learning.Registration;

/// <summary>A learned deformable registration model, as the commands see it (VoxelMorph, MICDIR).</summary>
public interface IDeformableModel : IDisposable
{
    string Method { get; }

    RegistrationGrid Grid { get; }

    /// <summary>
    /// The displacement that warps <paramref name="moving"/> onto <paramref name="fixedImage"/> (both on <see cref="Grid"/>,
    /// x fastest): D blocks of <see cref="RegistrationGrid.Voxels"/> values, in voxels, block d along the grid's axis d (x first).
    /// With <paramref name="refine"/>, the network's field is then refined on this pair (<see cref="InstanceOptimisation"/>).
    /// </summary>
    float[] PredictFlow(float[] fixedImage, float[] moving, InstanceOptions? refine = null);

    TrainingResult Fit(IBatchSource<RegistrationBatch> train, IBatchSource<RegistrationBatch>? validation, TrainerOptions options,
        string? runFolder, IProgressReporter? progress = null, bool resume = false, CancellationToken cancel = default);

    void Save(string folder, long seed, long step);
}
