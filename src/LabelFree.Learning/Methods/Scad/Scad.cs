using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Nn;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.Scad;

/// <summary>
/// SCAD: a student decoder learns to reproduce a frozen teacher's multi-scale features of healthy slices, and anomalies
/// are where it cannot (<see cref="ScadConfig"/> has the method and its deviations from the reference).
/// </summary>
public sealed class Scad : MethodModel<Scad, ScadConfig, ScadNet, ScadBatch>, IMethodDefinition<Scad, ScadConfig, ScadNet>
{
    private Scad(ScadConfig config, ScadNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "scad";

    static ScadNet IMethodDefinition<Scad, ScadConfig, ScadNet>.BuildNetwork(ScadConfig config) => new(config);

    static Scad IMethodDefinition<Scad, ScadConfig, ScadNet>.Wrap(ScadConfig config, ScadNet net, Device device) => new(config, net, device);

    /// <summary>The reference's training: Adam at 1e-3 with betas (0.5, 0.999), batch 16 (it runs 40,000 iterations; LabelFree's budget is the caller's).</summary>
    public static TrainerOptions DefaultTraining(long seed, long steps = 400) => new()
    {
        Seed = seed,
        MaxSteps = steps,
        BatchSize = 16,
        LearningRate = 1e-3,
        Beta1 = 0.5,
        Beta2 = 0.999,
        ValidateEverySteps = 50,
        CheckpointEverySteps = 100,
        LogEverySteps = 10,
    };

    /// <summary>Copies a pre-trained encoder's weights into the frozen teacher (same <see cref="ScadConfig.Teacher"/> architecture).</summary>
    public void SetTeacher(ImageEncoder pretrained)
    {
        using var noGrad = no_grad();
        Net.Teacher.load_state_dict(pretrained.state_dict());
    }

    public override LossOutput Loss(ScadBatch batch, TrainingStep at)
    {
        var clean = Pad(batch.Clean);
        var features = Net.call(clean);
        var noisyTeacher = Net.TeacherFeatures(Pad(batch.Noisy));
        var toClean = Distance(features.Teacher, features.Student, features.ScaleWeights);
        var toNoisy = Distance(noisyTeacher, features.Student, features.ScaleWeights);
        return new LossOutput(toClean / toNoisy, new Dictionary<string, Tensor> { ["clean"] = toClean, ["noisy"] = toNoisy });
    }

    /// <summary>Sum over scales of weight x mean over the batch of 1 - cosine of the flattened feature maps.</summary>
    private static Tensor Distance(IReadOnlyList<Tensor> teacher, IReadOnlyList<Tensor> student, Tensor weights)
    {
        Tensor? total = null;
        for (var k = 0; k < teacher.Count; k++)
        {
            var cosine = functional.cosine_similarity(teacher[k].flatten(1), student[k].flatten(1), 1);   // (B)
            var term = (weights[TensorIndex.Colon, k] * (1 - cosine)).mean();
            total = total is null ? term : total + term;
        }
        return total!;
    }

    /// <summary>Trains on slices (batches (B, 1, H, W)), adding the noisy view to each batch; the teacher stays frozen.</summary>
    public TrainingResult Fit(IBatchSource<Tensor> slices, IBatchSource<Tensor>? validation, TrainingRun run) =>
        Train(new ScadBatches(slices, Config), validation is null ? null : new ScadBatches(validation, Config), run);

    /// <summary>Anomaly maps of slices given as Height*Width arrays: weighted 1 - cosine over scales, upsampled and smoothed.</summary>
    public float[][] Maps(IReadOnlyList<float[]> slices, int batchSize = 32)
    {
        Net.eval();
        int h = Config.Height, w = Config.Width, plane = h * w;
        var result = new float[slices.Count][];
        for (var first = 0; first < slices.Count; first += batchSize)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var count = Math.Min(batchSize, slices.Count - first);
            var input = Pad(tensor(slices.Skip(first).Take(count).SelectMany(s => s).ToArray(), [count, 1, h, w]).to(Device));
            var features = Net.call(input);
            var size = new[] { input.shape[2], input.shape[3] };
            var map = zeros(count, 1, size[0], size[1], device: Device);
            for (var k = 0; k < features.Teacher.Count; k++)
            {
                var distance = (1 - functional.cosine_similarity(features.Teacher[k], features.Student[k], 1)).unsqueeze(1);   // (B, 1, h_k, w_k)
                var up = functional.interpolate(distance, size, mode: InterpolationMode.Bilinear, align_corners: true);
                map += features.ScaleWeights[TensorIndex.Colon, k].view(count, 1, 1, 1) * up;
            }
            map = GaussianSmoothing.Apply2d(map, Config.MapSigmaPixels);
            var cropped = map[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, h), TensorIndex.Slice(0, w)].cpu().reshape(count, plane);   // (B, H*W)
            var values = cropped.data<float>().ToArray();
            for (var i = 0; i < count; i++) result[first + i] = values[(i * plane)..((i + 1) * plane)];
        }
        return result;
    }

    /// <summary>The anomaly map of a prepared scan on its working grid, 0 outside the brain.</summary>
    public float[] Map(PreprocessedVolume volume)
    {
        var map = volume.FromSlices(Maps(Enumerable.Range(0, volume.SliceCount).Select(volume.Slice).ToList()));
        for (var i = 0; i < map.Length; i++) if (!volume.Mask[i]) map[i] = 0;
        return map;
    }

    /// <summary>Prepares a scan as this model was trained (<see cref="ScadConfig.Preprocessing"/>).</summary>
    public PreprocessedVolume Prepare(NiftiImage scan, bool[] brainMask) => VolumePreprocessing.Run(scan, brainMask, Config.Preprocessing);

    /// <summary>Zero-pads (B, 1, H, W) at the bottom and right to multiples of <see cref="ScadNet.Multiple"/>.</summary>
    private static Tensor Pad(Tensor images)
    {
        long h = images.shape[2], w = images.shape[3];
        long padH = (ScadNet.Multiple - h % ScadNet.Multiple) % ScadNet.Multiple, padW = (ScadNet.Multiple - w % ScadNet.Multiple) % ScadNet.Multiple;
        return padH == 0 && padW == 0 ? images : functional.pad(images, [0, padW, 0, padH]);
    }
}
