using System.Numerics;

namespace LabelFree.Core.Randomness;

/// <summary>
/// A small, fast, reproducible random source (xoshiro256**, seeded through SplitMix64). Unlike System.Random its
/// sequence is fixed by this code, not by the runtime version, so a seed gives the same data order and augmentations
/// on every machine.
/// <para>
/// Streams are derived statelessly: <see cref="For(long, string, long)"/> gives the stream for (seed, purpose, index),
/// for example the data order of epoch 3 or the augmentation of step 1200. A resumed run therefore needs no saved
/// generator state to continue exactly where it stopped.
/// </para>
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    public Rng(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The stream for one purpose ("data-order", "augment", ...) and one index (an epoch, a step, a sample).</summary>
    public static Rng For(long seed, string purpose, long index = 0)
    {
        var h = Mix((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        foreach (var c in purpose) h = Mix(h ^ c);
        return new Rng(Mix(h ^ (ulong)index));
    }

    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1), 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, count), without modulo bias.</summary>
    public int NextInt(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var bound = (ulong)count;
        var threshold = (0UL - bound) % bound;
        while (true)
        {
            var r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    /// <summary>Uniform integer in [low, high).</summary>
    public int NextInt(int low, int high) => low + NextInt(high - low);

    /// <summary>Standard normal (Marsaglia's polar method).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is { } spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        return u * factor;
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of 0 .. count-1.</summary>
    public int[] Permutation(int count)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        Shuffle(order.AsSpan());
        return order;
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
