using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using static TorchSharp.torch;

namespace LabelFree.TestKit;

/// <summary>
/// A tiny regression task for Trainer tests: y = x·w + noise, fitted by a two-layer MLP with dropout (so that the model
/// draws on LibTorch's generator, as real methods do). <see cref="Data.OnLoad"/> lets a test watch or disturb each step.
/// </summary>
public sealed class ToyRegression : ITrainable<(Tensor X, Tensor Y)>, IDisposable
{
    public ToyRegression(long seed)
    {
        manual_seed(seed);
        Network = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 1));
    }

    public nn.Module Network { get; }

    /// <summary>A multiplier for the loss (set it to NaN to make training diverge).</summary>
    public float LossScale { get; set; } = 1f;

    public LossOutput Loss((Tensor X, Tensor Y) batch, TrainingStep at)
    {
        var prediction = ((nn.Module<Tensor, Tensor>)Network).call(batch.X);
        var mse = nn.functional.mse_loss(prediction, batch.Y) * LossScale;
        return new LossOutput(mse, new Dictionary<string, Tensor> { ["mse"] = mse });
    }

    public void Dispose() => Network.Dispose();

    /// <summary>Samples of the toy problem; each call of Load may run <see cref="OnLoad"/> first.</summary>
    public sealed class Data : IBatchSource<(Tensor X, Tensor Y)>, IDisposable
    {
        private readonly Tensor _x;
        private readonly Tensor _y;

        public Data(int count, long seed, float noise = 0.1f)
        {
            var rng = new Rng((ulong)seed);
            var x = new float[count * 4];
            var y = new float[count];
            float[] w = [1.5f, -2f, 0.5f, 1f];
            for (var i = 0; i < count; i++)
            {
                for (var j = 0; j < 4; j++) x[i * 4 + j] = (float)rng.NextGaussian();
                y[i] = x[i * 4] * w[0] + x[i * 4 + 1] * w[1] + x[i * 4 + 2] * w[2] + x[i * 4 + 3] * w[3] + noise * (float)rng.NextGaussian();
            }
            _x = tensor(x, [count, 4]);
            _y = tensor(y, [count, 1]);
            Count = count;
        }

        public int Count { get; }

        public Action<Rng>? OnLoad { get; set; }

        public (Tensor X, Tensor Y) Load(ReadOnlySpan<int> indices, Rng rng)
        {
            OnLoad?.Invoke(rng);
            var index = tensor(indices.ToArray().Select(i => (long)i).ToArray());
            return (_x.index_select(0, index), _y.index_select(0, index));
        }

        public void Dispose()
        {
            _x.Dispose();
            _y.Dispose();
        }
    }
}
