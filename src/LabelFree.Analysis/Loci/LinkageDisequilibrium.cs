using LabelFree.Analysis.Gwas;

namespace LabelFree.Analysis.Loci;

/// <summary>
/// r² between variants as the squared Pearson correlation of A1 dosages over samples genotyped at both (PLINK's
/// unphased r² from hard calls). Decoded variants are cached (about <paramref name="cacheBytes"/>), so an index
/// variant's window is read once.
/// </summary>
public sealed class LinkageDisequilibrium(PackedGenotypes genotypes, long cacheBytes = 256L << 20)
{
    private readonly int _cacheVariants = (int)Math.Clamp(cacheBytes / Math.Max(1, genotypes.SampleCount), 16, 1 << 20);
    private readonly Dictionary<long, sbyte[]> _cache = [];
    private readonly Queue<long> _order = new();

    public double R2(long a, long b)
    {
        if (a == b) return 1;
        var x = Dosages(a);
        var y = Dosages(b);
        double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (x[i] < 0 || y[i] < 0) continue;
            n++;
            sx += x[i];
            sy += y[i];
            sxx += x[i] * x[i];
            syy += y[i] * y[i];
            sxy += x[i] * y[i];
        }
        var vx = sxx - sx * sx / n;
        var vy = syy - sy * sy / n;
        if (n < 2 || vx <= 0 || vy <= 0) return 0;
        var cov = sxy - sx * sy / n;
        return cov * cov / (vx * vy);
    }

    private sbyte[] Dosages(long variant)
    {
        if (_cache.TryGetValue(variant, out var cached)) return cached;
        var packed = new byte[genotypes.BytesPerVariant];
        genotypes.Read(variant, 1, packed);
        var dosages = new sbyte[genotypes.SampleCount];
        for (var i = 0; i < dosages.Length; i++)
        {
            var d = GenotypeDecoder.Dosage((packed[i >> 2] >> (2 * (i & 3))) & 3);
            dosages[i] = double.IsNaN(d) ? (sbyte)-1 : (sbyte)d;
        }
        if (_cache.Count >= _cacheVariants) _cache.Remove(_order.Dequeue());
        _cache[variant] = dosages;
        _order.Enqueue(variant);
        return dosages;
    }
}
