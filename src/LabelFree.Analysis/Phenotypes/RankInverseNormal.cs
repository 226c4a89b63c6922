using LabelFree.Analysis.Gwas;

namespace LabelFree.Analysis.Phenotypes;

/// <summary>
/// The rank-based inverse normal transformation used before a GWAS of latent phenotypes: each value becomes
/// Φ⁻¹((rank - c) / (n - 2c + 1)) with Blom's offset c = 3/8, ties sharing their mean rank; missing values (NaN) stay
/// missing and do not count in n.
/// </summary>
public static class RankInverseNormal
{
    public const double BlomOffset = 3.0 / 8;

    public static double[] Transform(IReadOnlyList<double> values, double offset = BlomOffset)
    {
        var present = Enumerable.Range(0, values.Count).Where(i => !double.IsNaN(values[i])).OrderBy(i => values[i]).ToArray();
        var result = new double[values.Count];
        Array.Fill(result, double.NaN);
        var n = present.Length;
        for (var first = 0; first < n;)
        {
            var last = first;
            while (last + 1 < n && values[present[last + 1]] == values[present[first]]) last++;
            var rank = (first + last) / 2.0 + 1;  // mean 1-based rank of the tied run
            var z = GenomicInflation.NormalQuantile((rank - offset) / (n - 2 * offset + 1));
            for (var k = first; k <= last; k++) result[present[k]] = z;
            first = last + 1;
        }
        return result;
    }
}
