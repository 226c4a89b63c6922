using LabelFree.Core.Training;
using LabelFree.Learning.Registration;

namespace LabelFree.Learning.Methods.Deformable;

/// <summary>A learned deformable registration model, whichever its method (VoxelMorph, MICDIR): what training and the pair pipeline use.</summary>
public interface IDeformableModel : IMethodModel, IFlowPredictor
{
    TrainingResult Fit(IBatchSource<RegistrationBatch> train, IBatchSource<RegistrationBatch>? validation, TrainingRun run);

    TrainingResult Fit(IBatchStream<RegistrationBatch> train, IBatchSource<RegistrationBatch>? validation, TrainingRun run);
}
