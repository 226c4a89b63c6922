using LabelFree.Data.Tiles;
using LabelFree.Learning.Nn;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.ImageSsl;

/// <summary>Frozen features of images: each image's central square resized to the encoder's input side, through the encoder in evaluation mode.</summary>
public static class ImageFeatures
{
    public const int Batch = 128;

    /// <summary>(images, encoder.FeatureSize) features of <paramref name="images"/>.</summary>
    public static float[,] Of(ImageEncoder encoder, IReadOnlyList<TileImage> images, int imageSize, Device device)
    {
        var result = new float[images.Count, encoder.FeatureSize];
        var wasTraining = encoder.training;
        encoder.eval();
        try
        {
            for (var first = 0; first < images.Count; first += Batch)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var count = Math.Min(Batch, images.Count - first);
                var views = Enumerable.Range(first, count).Select(i => ImageOps.CentreSquare(images[i], imageSize)).ToArray();
                var features = encoder.call(ImageTensors.Stack(views, images[first].Channels, imageSize, device)).cpu().contiguous();  // (B, F)
                var data = features.data<float>().ToArray();
                Buffer.BlockCopy(data, 0, result, first * encoder.FeatureSize * sizeof(float), data.Length * sizeof(float));
            }
        }
        finally
        {
            encoder.train(wasTraining);
        }
        return result;
    }
}
