using LabelFree.Core.Progress;

namespace LabelFree.Analysis.Gwas;

/// <summary>Settings of a scan. <see cref="MaxVif"/> is plink2's --vif default.</summary>
public sealed record GwasOptions(int Threads = 2, double MaxVif = 50, int BlockVariants = 0)
{
    public void Validate()
    {
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be at least 1");
        if (BlockVariants < 0 || BlockVariants % BlockProduct.Rows != 0)
            throw new ArgumentOutOfRangeException(nameof(BlockVariants), BlockVariants, $"block size must be a multiple of {BlockProduct.Rows} (0: automatic)");
    }
}

/// <summary>
/// Linear regression of each quantitative phenotype on intercept + covariates + A1 dosage, one variant at a time,
/// as plink2 --glm computes it (samples with a missing genotype dropped for that variant; df = N - predictors).
/// <para>
/// How: with Q an orthonormal basis of [1, covariates] and Y~ the residualised phenotypes, the genotype's coefficient
/// is x'Y~ / x~'x~ (Frisch-Waugh). One product X [Y~ | Q] per block of variants gives x'Y~ and Q'x for every phenotype
/// at once. Samples with a missing genotype enter x as 0, and a rank-k correction (G = I - Q_S'Q_S over the missing
/// set S) turns the full-sample sums into the exact sums over the samples present.
/// </para>
/// </summary>
public static class GwasScan
{
    /// <param name="founders">Samples without parents in the .fam (null: all); their A1 frequency decides which allele
    /// plink2 reports as A1 (see <see cref="GwasBlock.FounderA1Freq"/>).</param>
    public static void Run(PackedGenotypes genotypes, IReadOnlyList<PhenotypeGroup> groups, GwasOptions options,
        Action<GwasBlock> sink, bool[]? founders = null, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        progress ??= SilentProgress.Instance;
        var n = genotypes.SampleCount;
        var blockSize = options.BlockVariants > 0 ? options.BlockVariants : AutoBlockSize(n);
        var blockCount = (int)((genotypes.VariantCount + blockSize - 1) / blockSize);
        var batch = options.Threads * 2;
        var workspaces = new System.Collections.Concurrent.ConcurrentBag<Workspace>();
        using var task = progress.Start("gwas", genotypes.VariantCount);
        for (var b0 = 0; b0 < blockCount; b0 += batch)
        {
            cancel.ThrowIfCancellationRequested();
            var count = Math.Min(batch, blockCount - b0);
            var results = new GwasBlock[count];
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancel }, j =>
            {
                if (!workspaces.TryTake(out var ws)) ws = new Workspace(n, blockSize, genotypes.BytesPerVariant, groups);
                var first = (long)(b0 + j) * blockSize;
                var rows = (int)Math.Min(blockSize, genotypes.VariantCount - first);
                results[j] = ws.Process(genotypes, groups, first, rows, options.MaxVif, founders);
                workspaces.Add(ws);
            });
            foreach (var r in results) sink(r);
            var done = Math.Min(genotypes.VariantCount, (long)(b0 + count) * blockSize);
            task.Report(done, $"{done:N0} variants");
        }
    }

    /// <summary>About 8 MB of dosages per block, at least 8 and at most 256 variants.</summary>
    public static int AutoBlockSize(int sampleCount)
    {
        var rows = (8 << 20) / (8 * Math.Max(1, sampleCount));
        return Math.Clamp(rows / BlockProduct.Rows * BlockProduct.Rows, BlockProduct.Rows, 256);
    }

    /// <summary>Per-thread buffers, reused across blocks.</summary>
    private sealed class Workspace
    {
        private readonly int _n;
        private readonly int _stride;
        private readonly byte[] _packed;
        private readonly double[] _x;
        private readonly double[][] _c;
        private readonly List<int>[] _missing;
        private readonly List<int> _groupMissing = [];

        public Workspace(int n, int blockSize, int bytesPerVariant, IReadOnlyList<PhenotypeGroup> groups)
        {
            _n = n;
            _stride = (n + 7) / 8 * 8;
            _packed = new byte[blockSize * bytesPerVariant];
            _x = new double[blockSize * _stride];
            _c = groups.Select(g => new double[blockSize * g.Panels * BlockProduct.Width]).ToArray();
            _missing = Enumerable.Range(0, blockSize).Select(_ => new List<int>()).ToArray();
        }

        public GwasBlock Process(PackedGenotypes genotypes, IReadOnlyList<PhenotypeGroup> groups, long first, int rows, double maxVif, bool[]? founders)
        {
            var bytes = genotypes.BytesPerVariant;
            genotypes.Read(first, rows, _packed.AsSpan(0, rows * bytes));
            var paddedRows = (rows + BlockProduct.Rows - 1) / BlockProduct.Rows * BlockProduct.Rows;
            var squares = new double[rows];
            var founderFreq = new double[rows];
            for (var v = 0; v < rows; v++)
            {
                _missing[v].Clear();
                var x = _x.AsSpan(v * _stride, _stride);
                GenotypeDecoder.Decode(_packed.AsSpan(v * bytes, bytes), _n, x, _missing[v]);
                squares[v] = VariantRegression.SumOfSquares(x);
                founderFreq[v] = FounderFrequency(x[.._n], _missing[v], founders);
            }
            _x.AsSpan(rows * _stride, (paddedRows - rows) * _stride).Clear();
            var results = new GroupBlockResult[groups.Count];
            for (var g = 0; g < groups.Count; g++)
            {
                var group = groups[g];
                BlockProduct.Multiply(_x, paddedRows, _stride, _n, group.Z, group.Panels, _c[g]);
                var result = new GroupBlockResult(group, rows);
                for (var v = 0; v < rows; v++)
                {
                    var xx = group.Members is null ? squares[v] : MemberSquares(_x.AsSpan(v * _stride, _n), group.Members);
                    var missing = group.Members is null ? _missing[v] : InGroup(_missing[v], group.Members);
                    var c = _c[g].AsSpan(v * group.Panels * BlockProduct.Width, group.Panels * BlockProduct.Width);
                    VariantRegression.Solve(group, c, xx, missing, v, result, maxVif);
                }
                results[g] = result;
            }
            return new GwasBlock(first, rows, results, founderFreq);
        }

        private static double FounderFrequency(ReadOnlySpan<double> x, List<int> missing, bool[]? founders)
        {
            double sum = 0;
            long count = 0;
            if (founders is null)
            {
                foreach (var d in x) sum += d;
                count = x.Length - missing.Count;
            }
            else
            {
                for (var i = 0; i < x.Length; i++)
                    if (founders[i]) { sum += x[i]; count++; }
                foreach (var i in missing) if (founders[i]) count--;
            }
            return count > 0 ? sum / (2.0 * count) : double.NaN;
        }

        private static double MemberSquares(ReadOnlySpan<double> x, int[] members)
        {
            var s = 0.0;
            foreach (var i in members) s += x[i] * x[i];
            return s;
        }

        private List<int> InGroup(List<int> missing, int[] members)
        {
            _groupMissing.Clear();
            foreach (var i in missing)
                if (Array.BinarySearch(members, i) >= 0) _groupMissing.Add(i);
            return _groupMissing;
        }
    }
}
