using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Registration;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Deformable;

/// <summary>One real training pair: two scans with their brain masks and the fixed-to-moving world affine that pre-aligns them.</summary>
public sealed record AlignedPair(NiftiImage Fixed, bool[] FixedMask, NiftiImage Moving, bool[] MovingMask, double[] FixedToMoving);

/// <summary>
/// Training pairs from real scan pairs (different subjects, or sessions): each pair is sampled on the model's working grid
/// around the fixed brain with the moving scan through its affine, exactly as <see cref="PairRegistration"/> does at
/// inference, in both directions (the reverse through the inverse affine). Prepared once; a pair is index % Count.
/// Mixed with deformed pairs through <see cref="BatchStreams.Mix{TBatch}"/>.
/// </summary>
public sealed class RealPairs : IBatchSource<RegistrationBatch>
{
    private readonly List<(float[] Fixed, float[] Moving)> _pairs = [];
    private readonly RegistrationGrid _grid;
    private readonly Device _device;

    public RealPairs(IEnumerable<AlignedPair> pairs, RegistrationGrid grid, Device device)
    {
        _grid = grid;
        _device = device;
        foreach (var p in pairs)
        {
            var forward = PairRegistration.OnWorkingGrid(grid, p.Fixed, p.FixedMask, p.Moving, p.MovingMask, p.FixedToMoving);
            var backward = PairRegistration.OnWorkingGrid(grid, p.Moving, p.MovingMask, p.Fixed, p.FixedMask, Affine.Invert(p.FixedToMoving));
            _pairs.Add((forward.Fixed, forward.Moving));
            _pairs.Add((backward.Fixed, backward.Moving));
        }
        if (_pairs.Count == 0) throw new Core.Errors.UserInputException("training pairs: none given");
    }

    public int Count => _pairs.Count;

    public RegistrationBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var voxels = (int)_grid.Voxels;
        var fixedData = new float[indices.Length * voxels];
        var movingData = new float[indices.Length * voxels];
        for (var b = 0; b < indices.Length; b++)
        {
            var (f, m) = _pairs[indices[b] % _pairs.Count];
            f.CopyTo(fixedData, b * voxels);
            m.CopyTo(movingData, b * voxels);
        }
        long[] shape = [indices.Length, 1, .. _grid.TensorSize];  // (B, 1, Z, Y, X)
        return new RegistrationBatch(tensor(fixedData, shape).to(_device), tensor(movingData, shape).to(_device));
    }
}
