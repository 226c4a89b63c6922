using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Data.Tiles;
using LabelFree.Learning.Methods.Dino;
using LabelFree.Learning.Nn;
using LabelFree.TestKit;

namespace LabelFree.Learning.Tests.Methods;

public class DinoTests
{
    public static readonly DinoConfig Tiny = new()
    {
        Encoder = new ImageEncoderConfig { Kind = ImageEncoderKind.VitTiny, ImageSize = 16, PatchSize = 4, Layers = 1 },
        OutDimension = 32, HeadHidden = 16, Bottleneck = 8, LocalCrops = 2,
    };

    public static IReadOnlyList<TileImage> Images(int count) => Enumerable.Range(0, count).Select(i =>
        new TileImage($"i{i}", 3, 20, 20, Enumerable.Range(0, 1200).Select(j => (float)((Math.Sin(i + j * 0.37 * (1 + j % 3)) + 1) / 2)).ToArray())).ToList();

    private static TrainerOptions Training(long steps) => Dino.DefaultTraining(Tiny, steps, seed: 4, batchSize: 4) with { CheckpointEverySteps = 3, LogEverySteps = 1 };

    /// <summary>Student, teacher and centre, flattened.</summary>
    private static float[] Snapshot(Dino model) =>
        model.Network.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).Concat(model.Centre).ToArray();

    [Fact]
    public void Teacher_centre_and_schedules_survive_a_kill_and_resume_bit_exactly()
    {
        _ = TestTorch.Cpu;
        using var folder = new TempFolder();
        var images = Images(8);
        float[] full;
        using (var model = Dino.Create(Tiny, seed: 2, TestTorch.Cpu))
        {
            var before = model.Centre;
            model.Fit(images, new TrainingRun(Training(8), Path.Combine(folder.Path, "full")));
            full = Snapshot(model);
            Assert.NotEqual(before, model.Centre);
        }
        using (var model = Dino.Create(Tiny, seed: 2, TestTorch.Cpu))
        {
            using var kill = new CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() =>
                model.Fit(images, new TrainingRun(Training(8), Path.Combine(folder.Path, "killed"), new KillAfter(5, kill)) { Cancel = kill.Token }));
        }
        Assert.True(File.Exists(Path.Combine(folder.Path, "killed", "checkpoints", "step-00000003", "extra.safetensors")));
        using (var model = Dino.Create(Tiny, seed: 99, TestTorch.Cpu))
        {
            var resumed = model.Fit(images, new TrainingRun(Training(8), Path.Combine(folder.Path, "killed"), Resume: true));
            Assert.Equal(3, resumed.ResumedFromStep);
            Assert.Equal(full, Snapshot(model));
        }
        var fullLog = MetricsLog.Read(Path.Combine(folder.Path, "full", MetricsLog.FileName)).Select(l => (l.Step, l.Loss, l.LearningRate));
        var resumedLog = MetricsLog.Read(Path.Combine(folder.Path, "killed", MetricsLog.FileName)).Select(l => (l.Step, l.Loss, l.LearningRate));
        Assert.Equal(fullLog, resumedLog);

        // The collapse monitors: the teacher's entropy lies in [0, ln K] and loss = entropy + KL with KL >= 0.
        var logged = MetricsLog.Read(Path.Combine(folder.Path, "full", MetricsLog.FileName)).Where(l => l.Terms.ContainsKey("teacher_entropy")).ToList();
        Assert.Equal(8, logged.Count);
        foreach (var line in logged)
        {
            Assert.InRange(line.Terms["teacher_entropy"], 0, Math.Log(Tiny.OutDimension) + 1e-4);
            Assert.True(line.Terms["kl"] > -1e-4, $"KL {line.Terms["kl"]} at step {line.Step}");
            Assert.Equal(line.Loss, line.Terms["teacher_entropy"] + line.Terms["kl"], 4);
        }
    }

    [Fact]
    public void The_schedules_are_the_papers()
    {
        var options = Dino.DefaultTraining(new DinoConfig { WarmupTeacherTemperature = 0.02, TeacherTemperature = 0.04 }, 1000, seed: 0, batchSize: 256);
        Assert.Equal(0.0005, options.LearningRate, 12);
        Assert.Equal(0.04, options.WeightDecayAt(0, 1000), 12);
        Assert.Equal(0.4, options.WeightDecayAt(999, 1000), 3);
        var momentum = options.Schedules![Dino.TeacherMomentum];
        Assert.Equal(0.996, momentum.At(0, 1000), 12);
        Assert.Equal(1.0, momentum.At(1000, 1000), 12);
        var temperature = options.Schedules[Dino.TeacherTemperature];
        Assert.True(temperature.At(0, 1000) < 0.021);
        Assert.Equal(0.04, temperature.At(299, 1000), 12);
        Assert.Equal(0.04, temperature.At(800, 1000), 12);
        Assert.Equal(3.0, options.GradientClipNorm);
    }

    /// <summary>Cancels the run once <paramref name="steps"/> steps are done, as a process killed mid-run stops (the next checkpoint is not written).</summary>
    private sealed class KillAfter(int steps, CancellationTokenSource kill) : IProgressReporter
    {
        public IProgressTask Start(string title, long total, long completed = 0) => new Task(steps, kill);

        public void Info(string line) { }

        private sealed class Task(int steps, CancellationTokenSource kill) : IProgressTask
        {
            public void Report(long completed, string status)
            {
                if (completed >= steps) kill.Cancel();
            }

            public void Dispose() { }
        }
    }
}
