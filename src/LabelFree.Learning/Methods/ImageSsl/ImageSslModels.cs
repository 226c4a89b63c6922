using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Data.Tiles;
using LabelFree.Learning.Nn;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.ImageSsl;

/// <summary>A model whose image encoder gives frozen features: SimCLR/MICLe, DINO, ContIG.</summary>
public interface IImageEncoderModel : IMethodModel
{
    ImageEncoderConfig EncoderConfig { get; }

    /// <summary>The encoder's features of each image: (images, features).</summary>
    float[,] Embed(IReadOnlyList<TileImage> images);
}

/// <summary>Opens a saved image model of any of the self-supervised methods, and makes its untrained twin (the random-weights baseline).</summary>
public static class ImageSslModels
{
    public static readonly string[] Methods = [Simclr.Simclr.MethodName, Dino.Dino.MethodName, Contig.Contig.MethodName];

    public static IImageEncoderModel Load(string folder, Device device) => MethodOf(folder) switch
    {
        var m when m == Simclr.Simclr.MethodName => Simclr.Simclr.Load(folder, device),
        var m when m == Dino.Dino.MethodName => Dino.Dino.Load(folder, device),
        var m when m == Contig.Contig.MethodName => Contig.Contig.Load(folder, device),
        var m => throw new UserInputException($"{folder}: a '{m}' model is not a self-supervised image model (expected {string.Join(", ", Methods)})"),
    };

    /// <summary>The same method and architecture with freshly drawn weights (seeded): the random-encoder baseline.</summary>
    public static IImageEncoderModel Untrained(IImageEncoderModel model, long seed, Device device) => model switch
    {
        Simclr.Simclr s => Simclr.Simclr.Create(s.Config, seed, device),
        Dino.Dino d => Dino.Dino.Create(d.Config, seed, device),
        Contig.Contig c => Contig.Contig.Create(c.Config, seed, device),
        _ => throw new ArgumentException($"unknown image model {model.Method}", nameof(model)),
    };

    /// <summary>The method a model folder's meta.json names.</summary>
    public static string MethodOf(string folder)
    {
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: model folder not found");
        UserInputException.RequireFile(Path.Combine(folder, ModelFolder.MetaFile), "model meta.json");
        return ModelFolder.ReadMeta(folder).Method;
    }
}
