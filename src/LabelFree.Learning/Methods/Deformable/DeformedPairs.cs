using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using static TorchSharp.torch;

using LabelFree.Learning.Registration;

namespace LabelFree.Learning.Methods.Deformable;

/// <summary>
/// Training pairs from few real brains: each pair is two independent random smooth deformations (with rotation, scaling,
/// bias field and gamma; <see cref="RandomDeformation"/>) of one subject, drawn from the step's random stream, on the
/// model's working grid. Subjects are prepared once (normalised, resampled onto a grid centred on each brain).
/// With a <c>crop</c>, each pair is cut to a window of that size centred on a random brain voxel (clamped to the grid):
/// the fully convolutional network then trains on windows of a fine grid and registers the whole grid at inference.
/// A stream: every batch is new; <c>Take(n)</c> makes a fixed validation set.
/// </summary>
public sealed class DeformedPairs : IBatchStream<RegistrationBatch>
{
    private readonly List<(NiftiImage Image, bool[] Mask)> _subjects = [];
    private readonly DeformationOptions _options;
    private readonly Device _device;
    private readonly RegistrationGrid _grid;
    private readonly int[] _window;
    private readonly List<int[]> _brainVoxels = [];  // per subject, the grid indices of its brain voxels (when cropping)

    /// <param name="crop">Window size in voxels (x first, as the grid's shape), or null for the whole grid.</param>
    public DeformedPairs(IEnumerable<(NiftiImage Image, bool[] Mask)> subjects, RegistrationGrid grid, DeformationOptions options, Device device,
        int[]? crop = null)
    {
        _grid = grid;
        _window = crop ?? grid.Shape.ToArray();
        if (_window.Length != grid.Dims || _window.Where((c, a) => c < 1 || c > grid.Shape[a]).Any())
            throw new Core.Errors.SettingException("crop", $"expected {grid.Dims} sizes within the grid {string.Join("x", grid.Shape)}, got {string.Join("x", _window)}");
        _options = options;
        _device = device;
        var shape = grid.Shape.ToArray();
        foreach (var (image, mask) in subjects)
        {
            var affine = WorkingGrid.Around(image, mask, shape, grid.SpacingMm);
            var values = WorkingGrid.Sample(WorkingGrid.Normalise(image, mask), shape, affine);
            var gridMask = WorkingGrid.Sample(image.WithData(mask.Select(m => m ? 1f : 0f).ToArray()) with { Shape = image.Shape.Take(3).ToArray() },
                shape, affine, interpolation: Interpolation.Nearest).Select(v => v > 0.5f).ToArray();
            _subjects.Add((NiftiImage.Create(shape, values, [grid.SpacingMm, grid.SpacingMm, grid.SpacingMm], affine), gridMask));
            if (!_window.SequenceEqual(grid.Shape)) _brainVoxels.Add(Enumerable.Range(0, gridMask.Length).Where(i => gridMask[i]).ToArray());
        }
        if (_subjects.Count == 0) throw new Core.Errors.UserInputException("training data: no brains");
    }

    public RegistrationBatch Next(int batchSize, Rng rng)
    {
        var voxels = _window.Aggregate(1, (a, b) => a * b);
        var fixedData = new float[batchSize * voxels];
        var movingData = new float[batchSize * voxels];
        for (var b = 0; b < batchSize; b++)
        {
            var subject = rng.NextInt(_subjects.Count);
            var (image, mask) = _subjects[subject];
            var fixedImage = RandomDeformation.Apply(image, mask, _options, rng).Image.Data;
            var moving = RandomDeformation.Apply(image, mask, _options, rng).Image.Data;
            var origin = WindowOrigin(subject, rng);
            CopyWindow(fixedImage, origin, fixedData.AsSpan(b * voxels, voxels));
            CopyWindow(moving, origin, movingData.AsSpan(b * voxels, voxels));
        }
        long[] shape = [batchSize, 1, .. _window.Reverse().Select(s => (long)s)];  // (B, 1, Z, Y, X)
        return new RegistrationBatch(tensor(fixedData, shape).to(_device), tensor(movingData, shape).to(_device));
    }

    /// <summary>The window's first voxel: centred on a random brain voxel, clamped to the grid (zeros without a crop).</summary>
    private int[] WindowOrigin(int subject, Rng rng)
    {
        var shape = _grid.Shape;
        if (_window.SequenceEqual(shape)) return new int[shape.Length];
        var brain = _brainVoxels[subject];
        var index = brain.Length == 0 ? 0 : brain[rng.NextInt(brain.Length)];
        var origin = new int[shape.Length];
        for (var a = 0; a < shape.Length; a++)
        {
            var centre = index % shape[a];
            index /= shape[a];
            origin[a] = Math.Clamp(centre - _window[a] / 2, 0, shape[a] - _window[a]);
        }
        return origin;
    }

    /// <summary>Copies the window at <paramref name="origin"/> of a grid volume (x fastest) into <paramref name="target"/>.</summary>
    private void CopyWindow(float[] volume, int[] origin, Span<float> target)
    {
        var shape = _grid.Shape;
        var (wx, wy, wz) = (_window[0], _window[1], shape.Length == 3 ? _window[2] : 1);
        var (ox, oy, oz) = (origin[0], origin[1], shape.Length == 3 ? origin[2] : 0);
        for (var z = 0; z < wz; z++)
            for (var y = 0; y < wy; y++)
                volume.AsSpan(((oz + z) * shape[1] + oy + y) * shape[0] + ox, wx).CopyTo(target.Slice((z * wy + y) * wx, wx));
    }
}
