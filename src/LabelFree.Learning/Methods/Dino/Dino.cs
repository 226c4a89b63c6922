using LabelFree.Core.Training;
using LabelFree.Data.Tiles;
using LabelFree.Learning.Methods.ImageSsl;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Dino;

/// <summary>
/// DINO: self-distillation without labels (<see cref="DinoConfig"/>). The Trainer drives its schedules (teacher
/// momentum, teacher temperature, weight decay), the teacher's EMA runs in <see cref="AfterStep"/>, and the centre is
/// extra checkpoint state, so a killed run resumes exactly. Each logged step records the teacher's entropy and the
/// teacher-student KL (the paper's collapse monitors). <see cref="Embed"/> gives the teacher encoder's features.
/// </summary>
public sealed class Dino : MethodModel<Dino, DinoConfig, DinoNet, MultiCropBatch>, IMethodDefinition<Dino, DinoConfig, DinoNet>,
    IImageEncoderModel
{
    public const string TeacherMomentum = "teacher_momentum";
    public const string TeacherTemperature = "teacher_temperature";

    private readonly Tensor _centre;         // (1, K): EMA of the teacher's outputs
    private readonly Tensor _pendingSum;     // (1, K): teacher outputs summed over this step's micro-batches
    private long _pendingRows;

    private Dino(DinoConfig config, DinoNet net, Device device) : base(config, net, device)
    {
        _centre = zeros(1, config.OutDimension, device: device).DetachFromDisposeScope();
        _pendingSum = zeros(1, config.OutDimension, device: device).DetachFromDisposeScope();
        foreach (var p in net.Teacher.parameters()) p.requires_grad = false;
    }

    public static string MethodName => "dino";

    public Nn.ImageEncoderConfig EncoderConfig => Config.Encoder;

    static DinoNet IMethodDefinition<Dino, DinoConfig, DinoNet>.BuildNetwork(DinoConfig config) => new(config);

    static Dino IMethodDefinition<Dino, DinoConfig, DinoNet>.Wrap(DinoConfig config, DinoNet net, Device device) => new(config, net, device);

    /// <summary>The centre subtracted from the teacher's outputs (a copy).</summary>
    public float[] Centre => _centre.cpu().data<float>().ToArray();

    public override LossOutput Loss(MultiCropBatch batch, TrainingStep at)
    {
        var b = batch.Global[0].shape[0];
        var globals = cat(batch.Global.ToArray(), 0);                                   // (2B, C, S, S)
        var freeze = at.Step < (long)Math.Ceiling(Config.FreezeLastLayerFraction * at.TotalSteps);
        Tensor teacherOut;
        using (no_grad()) teacherOut = Net.Teacher.call(globals, false);                // (2B, K)
        var student = Net.Student.call(globals, freeze).split(b).ToList();             // 2 x (B, K)
        if (batch.Local.Count > 0) student.AddRange(Net.Student.call(cat(batch.Local.ToArray(), 0), freeze).split(b));  // + L x (B, K)
        var loss = ContrastiveLosses.Dino(student, teacherOut.split(b), _centre, Config.StudentTemperature, at.Scalar(TeacherTemperature));
        var entropy = TeacherEntropy(teacherOut, at.Scalar(TeacherTemperature));
        if (at.Phase == TrainingPhase.Train)
        {
            _pendingSum.add_(teacherOut.sum(0, keepdim: true));
            _pendingRows += teacherOut.shape[0];
        }
        // The paper's collapse monitors (its Figure 7): the teacher's entropy falls to 0 when one prototype wins and
        // rises to ln K when the output is uniform; the loss minus it is the mean teacher-student KL, which is 0 in
        // either collapse. Logged beside the loss at every logged step.
        return new LossOutput(loss, new Dictionary<string, Tensor> { ["teacher_entropy"] = entropy, ["kl"] = loss.detach() - entropy });
    }

    /// <summary>Mean entropy of the teacher's targets softmax((t - centre) / temperature): a scalar, no gradient.</summary>
    private Tensor TeacherEntropy(Tensor teacherOut, double temperature)
    {
        using var noGrad = no_grad();
        var logP = nn.functional.log_softmax((teacherOut - _centre) / temperature, 1);  // (2B, K)
        return -(logP.exp() * logP).sum(1).mean();
    }

    /// <summary>DINO's groups: no weight decay on biases and norms; the teacher is not optimised.</summary>
    public override IReadOnlyList<ParameterGroup> ParameterGroups() => ParameterGroup.SplitByDecay(Net.Student);

    /// <summary>The teacher follows the student at the scheduled momentum; the centre moves towards the step's mean teacher output.</summary>
    public override void AfterStep(TrainingStep at)
    {
        Ema.Update(Net.Teacher, Net.Student, at.Scalar(TeacherMomentum));
        if (_pendingRows == 0) return;
        using var scope = NewDisposeScope();
        _centre.mul_(Config.CentreMomentum).add_(_pendingSum / _pendingRows, alpha: 1 - Config.CentreMomentum);
        _pendingSum.zero_();
        _pendingRows = 0;
    }

    public override IReadOnlyDictionary<string, Tensor> CheckpointState() => new Dictionary<string, Tensor> { ["centre"] = _centre };

    public override void RestoreCheckpointState(IReadOnlyDictionary<string, Tensor> state)
    {
        using var noGrad = no_grad();
        _centre.copy_(state["centre"]);
    }

    /// <summary>
    /// DINO's training (main_dino.py defaults): AdamW at 0.0005 x batch / 256, linear warm-up over the first 10% of the
    /// steps (10 of 100 epochs), cosine to 1e-6; weight decay cosine from 0.04 to 0.4; teacher momentum cosine from
    /// 0.996 to 1; the teacher temperature's warm-up; gradient norm clipped at 3.
    /// </summary>
    public static TrainerOptions DefaultTraining(DinoConfig config, long steps, long seed, int batchSize = 64)
    {
        var rate = 0.0005 * batchSize / 256;
        return new TrainerOptions
        {
            Seed = seed,
            MaxSteps = steps,
            BatchSize = batchSize,
            Optimizer = OptimizerKind.AdamW,
            LearningRate = rate,
            Schedule = LearningRateSchedule.Cosine,
            WarmupSteps = Math.Max(1, steps / 10),
            MinLearningRateFraction = Math.Min(1, 1e-6 / rate),
            WeightDecay = 0.04,
            GradientClipNorm = 3.0,
            Schedules = new Dictionary<string, ScalarSchedule>
            {
                [TrainerOptions.WeightDecaySchedule] = new(0.04, 0.4),
                [TeacherMomentum] = new(config.TeacherMomentum, 1.0),
                [TeacherTemperature] = new(config.TeacherTemperature, config.TeacherTemperature, ScheduleShape.Constant,
                    (long)(config.TeacherTemperatureWarmupFraction * steps), config.WarmupTeacherTemperature),
            },
            RestoreBestWeights = false,
            LogEverySteps = 10,
        };
    }

    /// <summary>Pre-trains on multi-crop views of <paramref name="images"/> for the run's steps, each batch drawn with replacement.</summary>
    public TrainingResult Fit(IReadOnlyList<TileImage> images, TrainingRun run)
    {
        ImageTensors.RequireChannels(images, Config.Encoder.Channels);
        return Train(new MultiCrops(images, Config.Encoder.ImageSize, Config.LocalCropSize, Config.LocalCrops, Config.Mri, Device).AsStream(), null, run);
    }

    /// <summary>The teacher encoder's features of each image (its central square at the encoder's input side): (images, features).</summary>
    public float[,] Embed(IReadOnlyList<TileImage> images)
    {
        ImageTensors.RequireChannels(images, Config.Encoder.Channels);
        return ImageFeatures.Of(Net.Teacher.Encoder, images, Config.Encoder.ImageSize, Device);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _centre.Dispose();
            _pendingSum.Dispose();
        }
        base.Dispose(disposing);
    }
}
