using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Tiles;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.ImageSsl;

/// <summary>Two views of each of B images (SimCLR), or of two images of one group (MICLe): each (B, C, S, S).</summary>
public sealed record ViewPairBatch(Tensor First, Tensor Second);

/// <summary>DINO's multi-crop views of B images: the global crops (each (B, C, S, S)) and the local ones (each (B, C, s, s)).</summary>
public sealed record MultiCropBatch(IReadOnlyList<Tensor> Global, IReadOnlyList<Tensor> Local);

/// <summary>Stacks planar views into a batch tensor.</summary>
public static class ImageTensors
{
    /// <summary>Views of (channels, size, size) each as one (B, channels, size, size) float tensor on <paramref name="device"/>.</summary>
    public static Tensor Stack(IReadOnlyList<float[]> views, int channels, int size, Device device)
    {
        var plane = channels * size * size;
        var data = new float[views.Count * plane];
        for (var b = 0; b < views.Count; b++) views[b].CopyTo(data, b * plane);
        return tensor(data, [views.Count, channels, size, size]).to(device);
    }

    /// <summary>Throws a user error naming the first image whose channels differ from the model's.</summary>
    public static void RequireChannels(IReadOnlyList<TileImage> images, int channels)
    {
        if (images.Count == 0) throw new UserInputException("images: none given");
        if (images.FirstOrDefault(i => i.Channels != channels) is { } bad)
            throw new UserInputException($"{bad.Id}: {bad.Channels} channel(s), the model takes {channels} ({(channels == 1 ? "grey" : "RGB")})");
    }
}

/// <summary>
/// SimCLR's training pairs: two independent random views of each image. With <paramref name="groups"/> (MICLe, Azizi
/// et al. 2021), an image whose group key other images share gets its second view from one of those, drawn from the
/// step's stream; an image alone in its group is paired with itself, as in SimCLR.
/// </summary>
public sealed class ViewPairs(IReadOnlyList<TileImage> images, ViewAugmentation augmentation, Device device, bool groups = false) : IBatchSource<ViewPairBatch>
{
    private readonly int[][]? _partners = groups ? Partners(images) : null;

    public int Count => images.Count;

    public ViewPairBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var first = new float[indices.Length][];
        var second = new float[indices.Length][];
        for (var b = 0; b < indices.Length; b++)
        {
            var anchor = indices[b];
            var partner = _partners?[anchor] is { Length: > 0 } others ? others[rng.NextInt(others.Length)] : anchor;
            first[b] = augmentation.Apply(images[anchor], rng);
            second[b] = augmentation.Apply(images[partner], rng);
        }
        var channels = images[indices[0]].Channels;
        return new ViewPairBatch(ImageTensors.Stack(first, channels, augmentation.Size, device), ImageTensors.Stack(second, channels, augmentation.Size, device));
    }

    /// <summary>For each image, the other images with its group key (empty when it has none or is alone).</summary>
    public static int[][] Partners(IReadOnlyList<TileImage> images)
    {
        var byGroup = Enumerable.Range(0, images.Count).Where(i => images[i].Group is not null).GroupBy(i => images[i].Group!).ToDictionary(g => g.Key, g => g.ToArray());
        return Enumerable.Range(0, images.Count)
            .Select(i => images[i].Group is { } key ? byGroup[key].Where(j => j != i).ToArray() : []).ToArray();
    }
}

/// <summary>DINO's multi-crop training views: the two global crops and <paramref name="localCrops"/> local ones of each image.</summary>
public sealed class MultiCrops(IReadOnlyList<TileImage> images, int globalSize, int localSize, int localCrops, bool mri, Device device) : IBatchSource<MultiCropBatch>
{
    private readonly ViewAugmentation[] _global = [ViewAugmentation.DinoGlobal(globalSize, 0, mri), ViewAugmentation.DinoGlobal(globalSize, 1, mri)];
    private readonly ViewAugmentation _local = ViewAugmentation.DinoLocal(localSize, mri);

    public int Count => images.Count;

    public MultiCropBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var count = indices.Length;
        var globalViews = _global.Select(_ => new float[count][]).ToArray();
        var localViews = Enumerable.Range(0, localCrops).Select(_ => new float[count][]).ToArray();
        for (var b = 0; b < indices.Length; b++)
        {
            var image = images[indices[b]];
            for (var g = 0; g < _global.Length; g++) globalViews[g][b] = _global[g].Apply(image, rng);
            for (var l = 0; l < localCrops; l++) localViews[l][b] = _local.Apply(image, rng);
        }
        var channels = images[indices[0]].Channels;
        return new MultiCropBatch(globalViews.Select(v => ImageTensors.Stack(v, channels, globalSize, device)).ToArray(),
            localViews.Select(v => ImageTensors.Stack(v, channels, localSize, device)).ToArray());
    }
}
