using System.CommandLine;

namespace LabelFree.Cli.Commands.Register;

/// <summary><c>labelfree register affine|train|apply|eval|synthesize</c>: brain registration without labels (VoxelMorph, MICDIR).</summary>
public static class RegisterCommand
{
    public static Command Create() => new("register", "Deformable brain registration without labels (affine + VoxelMorph or MICDIR)")
    {
        RegisterAffineCommand.Create(),
        RegisterTrainCommand.Create(),
        RegisterApplyCommand.Create(),
        RegisterEvalCommand.Create(),
        RegisterSynthesizeCommand.Create(),
    };
}
