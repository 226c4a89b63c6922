using LabelFree.Analysis.Gwas;
using LabelFree.Data.Genotypes;

namespace LabelFree.Analysis.Tests.Gwas;

/// <summary>
/// A tiny random study written as a real .bed (so the reader, the packing and the scan are all exercised), and a direct
/// OLS fit by normal equations on each variant's complete samples to check the scan against.
/// </summary>
internal sealed class SyntheticStudy
{
    public SyntheticStudy(int samples, int variants, int phenotypes, int covariates, double missingGenotypes, double missingPhenotypes, int seed)
    {
        var random = new Random(seed);
        Dosages = new sbyte[variants][];
        for (var j = 0; j < variants; j++)
        {
            var freq = 0.05 + 0.9 * random.NextDouble();
            Dosages[j] = new sbyte[samples];
            for (var i = 0; i < samples; i++)
                Dosages[j][i] = random.NextDouble() < missingGenotypes ? (sbyte)-1
                    : (sbyte)((random.NextDouble() < freq ? 1 : 0) + (random.NextDouble() < freq ? 1 : 0));
        }
        Covariates = Enumerable.Range(0, covariates).Select(_ => Enumerable.Range(0, samples).Select(_ => random.NextDouble() * 4 - 2).ToArray()).ToArray();
        Phenotypes = new double[phenotypes][];
        for (var p = 0; p < phenotypes; p++)
        {
            Phenotypes[p] = new double[samples];
            for (var i = 0; i < samples; i++)
                Phenotypes[p][i] = random.NextDouble() < missingPhenotypes * p ? double.NaN
                    : 3 + 0.5 * Math.Max(0, (int)Dosages[p % variants][i]) + Covariates.Sum(c => 0.3 * c[i]) + Gaussian(random);
        }
        Names = Enumerable.Range(1, phenotypes).Select(p => $"P{p}").ToArray();
    }

    public sbyte[][] Dosages { get; }

    public double[][] Covariates { get; }

    public double[][] Phenotypes { get; }

    public string[] Names { get; }

    public int SampleCount => Phenotypes[0].Length;

    /// <summary>Writes PREFIX.bed/.bim/.fam.</summary>
    public void Write(string prefix)
    {
        var samples = Enumerable.Range(0, SampleCount).Select(i => new FamSample($"F{i}", $"I{i}")).ToArray();
        var variants = Enumerable.Range(0, Dosages.Length).Select(j => new BimVariant("1", $"v{j}", 0, 100 + j, "A", "C")).ToArray();
        BedWriter.Write(prefix, samples, variants, Dosages);
    }

    /// <summary>Runs the scan on the written fileset and returns the blocks.</summary>
    public List<GwasBlock> Scan(string prefix, int threads = 2, int blockVariants = 0, bool covariateRows = false)
    {
        using var fileset = PlinkFileset.Open(prefix);
        var groups = PhenotypeGroup.Build(Names, Phenotypes, Covariates.Select((_, k) => $"C{k}").ToArray(), Covariates, SampleCount, _ => { });
        var blocks = new List<GwasBlock>();
        GwasScan.Run(new PackedGenotypes(SampleCount, fileset.VariantCount, fileset.Bed.ReadPacked), groups,
            new GwasOptions(threads, BlockVariants: blockVariants, CovariateRows: covariateRows), blocks.Add);
        return blocks;
    }

    /// <summary>(beta, se, n) of phenotype p on [1, covariates, dosage of variant j] over complete samples.</summary>
    public (double Beta, double Se, int N) DirectOls(int p, int j)
    {
        var (beta, se, n) = DirectOlsAll(p, j);
        return (beta[^1], se[^1], n);
    }

    /// <summary>All coefficients [intercept, covariates, dosage] and their standard errors.</summary>
    public (double[] Beta, double[] Se, int N) DirectOlsAll(int p, int j)
    {
        var rows = Enumerable.Range(0, SampleCount)
            .Where(i => Dosages[j][i] >= 0 && double.IsFinite(Phenotypes[p][i]) && Covariates.All(c => double.IsFinite(c[i]))).ToArray();
        var k = Covariates.Length + 2;
        double[] Row(int i) => [1.0, .. Covariates.Select(c => c[i]), Dosages[j][i]];
        var xtx = new double[k, k];
        var xty = new double[k];
        foreach (var i in rows)
        {
            var r = Row(i);
            for (var a = 0; a < k; a++)
            {
                xty[a] += r[a] * Phenotypes[p][i];
                for (var b = 0; b < k; b++) xtx[a, b] += r[a] * r[b];
            }
        }
        var inverse = Invert(xtx);
        var beta = new double[k];
        for (var a = 0; a < k; a++) for (var b = 0; b < k; b++) beta[a] += inverse[a, b] * xty[b];
        var rss = rows.Sum(i =>
        {
            var r = Row(i);
            var fitted = 0.0;
            for (var a = 0; a < k; a++) fitted += r[a] * beta[a];
            return Math.Pow(Phenotypes[p][i] - fitted, 2);
        });
        var sigma2 = rss / (rows.Length - k);
        return (beta, Enumerable.Range(0, k).Select(a => Math.Sqrt(sigma2 * inverse[a, a])).ToArray(), rows.Length);
    }

    // Gauss-Jordan with partial pivoting.
    private static double[,] Invert(double[,] m)
    {
        var n = m.GetLength(0);
        var a = (double[,])m.Clone();
        var inv = new double[n, n];
        for (var i = 0; i < n; i++) inv[i, i] = 1;
        for (var c = 0; c < n; c++)
        {
            var pivot = Enumerable.Range(c, n - c).MaxBy(r => Math.Abs(a[r, c]));
            for (var x = 0; x < n; x++)
            {
                (a[c, x], a[pivot, x]) = (a[pivot, x], a[c, x]);
                (inv[c, x], inv[pivot, x]) = (inv[pivot, x], inv[c, x]);
            }
            var d = a[c, c];
            for (var x = 0; x < n; x++) { a[c, x] /= d; inv[c, x] /= d; }
            for (var r = 0; r < n; r++)
            {
                if (r == c) continue;
                var f = a[r, c];
                for (var x = 0; x < n; x++) { a[r, x] -= f * a[c, x]; inv[r, x] -= f * inv[c, x]; }
            }
        }
        return inv;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
