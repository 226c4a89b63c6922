using LabelFree.Core.Randomness;

namespace LabelFree.Core.Training;

/// <summary>Ways to combine and convert batch sources and streams.</summary>
public static class BatchStreams
{
    /// <summary>A stream that draws each batch's indices uniformly (with replacement) from the step's random stream.</summary>
    public static IBatchStream<TBatch> AsStream<TBatch>(this IBatchSource<TBatch> source) => new Sampled<TBatch>(source);

    /// <summary>A fixed set of <paramref name="count"/> samples of a stream (a validation set): the same random stream gives the same samples.</summary>
    public static IBatchSource<TBatch> Take<TBatch>(this IBatchStream<TBatch> stream, int count) => new Taken<TBatch>(stream, count);

    /// <summary>
    /// Several streams as one: each step's whole batch comes from one of them, picked by the step's random stream with
    /// probability proportional to its weight (then that stream draws the batch from the same random stream).
    /// </summary>
    public static IBatchStream<TBatch> Mix<TBatch>(params (IBatchStream<TBatch> Stream, double Weight)[] parts) => new Mixed<TBatch>(parts);

    private sealed class Sampled<TBatch>(IBatchSource<TBatch> source) : IBatchStream<TBatch>
    {
        public TBatch Next(int batchSize, Rng rng)
        {
            if (source.Count == 0) throw new Errors.UserInputException("training data: no samples");
            var indices = new int[batchSize];
            for (var i = 0; i < batchSize; i++) indices[i] = rng.NextInt(source.Count);
            return source.Load(indices, rng);
        }
    }

    private sealed class Taken<TBatch>(IBatchStream<TBatch> stream, int count) : IBatchSource<TBatch>
    {
        public int Count => count;

        public TBatch Load(ReadOnlySpan<int> indices, Rng rng) => stream.Next(indices.Length, rng);
    }

    private sealed class Mixed<TBatch> : IBatchStream<TBatch>
    {
        private readonly (IBatchStream<TBatch> Stream, double Weight)[] _parts;
        private readonly double _total;

        public Mixed((IBatchStream<TBatch> Stream, double Weight)[] parts)
        {
            if (parts.Length == 0 || parts.Any(p => !(p.Weight > 0) || !double.IsFinite(p.Weight)))
                throw new ArgumentException("a mix needs one or more streams with positive weights", nameof(parts));
            _parts = parts;
            _total = parts.Sum(p => p.Weight);
        }

        public TBatch Next(int batchSize, Rng rng)
        {
            var pick = rng.NextDouble() * _total;
            foreach (var (stream, weight) in _parts)
            {
                if (pick < weight) return stream.Next(batchSize, rng);
                pick -= weight;
            }
            return _parts[^1].Stream.Next(batchSize, rng);
        }
    }
}
