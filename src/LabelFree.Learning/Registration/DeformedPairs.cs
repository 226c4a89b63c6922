using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using static TorchSharp.torch;

namespace LabelFree.Learning.Registration;

/// <summary>
/// Training pairs from few real brains: each pair is two independent random smooth deformations (with rotation, scaling,
/// bias field and gamma; <see cref="RandomDeformation"/>) of one subject, drawn from the step's random stream, on the
/// model's working grid. Subjects are prepared once (normalised, resampled onto a grid centred on each brain).
/// </summary>
public sealed class DeformedPairs : IBatchSource<RegistrationBatch>
{
    private readonly List<(NiftiImage Image, bool[] Mask)> _subjects = [];
    private readonly DeformationOptions _options;
    private readonly Device _device;
    private readonly RegistrationGrid _grid;

    /// <param name="count">Pairs per epoch (each drawn afresh from the step's stream).</param>
    public DeformedPairs(IEnumerable<(NiftiImage Image, bool[] Mask)> subjects, RegistrationGrid grid, DeformationOptions options, int count, Device device)
    {
        _grid = grid;
        _options = options;
        _device = device;
        Count = count;
        foreach (var (image, mask) in subjects)
        {
            var affine = WorkingGrid.Around(image, mask, grid.Shape, grid.SpacingMm);
            var values = WorkingGrid.Sample(WorkingGrid.Normalise(image, mask), grid.Shape, affine);
            var gridMask = WorkingGrid.Sample(image.WithData(mask.Select(m => m ? 1f : 0f).ToArray()) with { Shape = image.Shape.Take(3).ToArray() },
                grid.Shape, affine, interpolation: Interpolation.Nearest).Select(v => v > 0.5f).ToArray();
            _subjects.Add((NiftiImage.Create(grid.Shape, values, [grid.SpacingMm, grid.SpacingMm, grid.SpacingMm], affine), gridMask));
        }
        if (_subjects.Count == 0) throw new Core.Errors.UserInputException("training data: no brains");
    }

    public int Count { get; }

    public RegistrationBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var voxels = (int)_grid.Voxels;
        var fixedData = new float[indices.Length * voxels];
        var movingData = new float[indices.Length * voxels];
        for (var b = 0; b < indices.Length; b++)
        {
            var (image, mask) = _subjects[rng.NextInt(_subjects.Count)];
            RandomDeformation.Apply(image, mask, _options, rng).Image.Data.CopyTo(fixedData, b * voxels);
            RandomDeformation.Apply(image, mask, _options, rng).Image.Data.CopyTo(movingData, b * voxels);
        }
        long[] shape = [indices.Length, 1, .. _grid.TensorSize];  // (B, 1, Z, Y, X)
        return new RegistrationBatch(tensor(fixedData, shape).to(_device), tensor(movingData, shape).to(_device));
    }
}
