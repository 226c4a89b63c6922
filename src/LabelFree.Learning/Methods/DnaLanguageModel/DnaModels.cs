using System.Text.Json;
using System.Text.Json.Nodes;
using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.DnaLanguageModel;

/// <summary>Opens a saved DNA model of either kind (pre-trained language model or fine-tuned classifier) by the method its config.json names.</summary>
public static class DnaModels
{
    public static IDnaEncoderModel Load(string folder, Device device) => MethodOf(folder) switch
    {
        var m when m == DnaLanguageModel.MethodName => DnaLanguageModel.Load(folder, device),
        var m when m == DnaClassifier.MethodName => DnaClassifier.Load(folder, device),
        var m => throw new UserInputException($"{Path.Combine(folder, ModelFolder.ConfigFile)}: a '{m}' model is not a DNA model (expected {DnaLanguageModel.MethodName} or {DnaClassifier.MethodName})"),
    };

    /// <summary>The method named in a model folder's config.json.</summary>
    public static string MethodOf(string folder)
    {
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: model folder not found");
        var path = Path.Combine(folder, ModelFolder.ConfigFile);
        UserInputException.RequireFile(path, "model config");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["method"]?.GetValue<string>() ?? "unknown";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new UserInputException($"{path}: not a LabelFree model config ({e.Message})", e);
        }
    }
}
