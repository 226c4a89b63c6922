using System.Text.Json.Nodes;
using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using static TorchSharp.torch;

namespace LabelFree.Learning.Registration;

/// <summary>Opens a saved deformable model of either method by the method named in its config.json.</summary>
public static class DeformableModels
{
    public static IDeformableModel Load(string folder, Device device)
    {
        var path = Path.Combine(folder, ModelFolder.ConfigFile);
        UserInputException.RequireFile(path, "model config (--model)");
        var method = JsonNode.Parse(File.ReadAllText(path))?["method"]?.GetValue<string>();
        return method switch
        {
            Methods.VoxelMorph.VoxelMorph.MethodName => Methods.VoxelMorph.VoxelMorph.Load(folder, device),
            Methods.Micdir.Micdir.MethodName => Methods.Micdir.Micdir.Load(folder, device),
            _ => throw new UserInputException($"{path}: '{method}' is not a registration model (expected voxelmorph or micdir)"),
        };
    }
}
