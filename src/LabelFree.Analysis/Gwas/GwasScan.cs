using LabelFree.Core.Progress;

namespace LabelFree.Analysis.Gwas;

/// <summary>Settings of a scan. <see cref="MaxVif"/> is plink2's --vif default; <see cref="BlockVariants"/> 0 means
/// <see cref="GwasScan.DefaultBlockSize"/>; <see cref="CovariateRows"/> also estimates the covariates' coefficients
/// (plink2's output without hide-covar).</summary>
public sealed record GwasOptions(int Threads = 2, double MaxVif = 50, int BlockVariants = 0, bool CovariateRows = false)
{

    public void Validate()
    {
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be at least 1");
        if (BlockVariants < 0 || BlockVariants % BlockProduct.Rows != 0)
            throw new ArgumentOutOfRangeException(nameof(BlockVariants), BlockVariants, $"block size must be a multiple of {BlockProduct.Rows} (0: {GwasScan.DefaultBlockSize})");
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
        var blockSize = options.BlockVariants > 0 ? options.BlockVariants : DefaultBlockSize;
        var blockCount = (int)((genotypes.VariantCount + blockSize - 1) / blockSize);
        var batch = options.Threads * 2;
        var workspaces = new System.Collections.Concurrent.ConcurrentBag<Workspace>();
        using var task = progress.Start("gwas", genotypes.VariantCount);
        // The sink (formatting and writing) of one batch runs while the next batch is computed; sinks stay in order.
        var sinking = Task.CompletedTask;
        for (var b0 = 0; b0 < blockCount; b0 += batch)
        {
            cancel.ThrowIfCancellationRequested();
            var count = Math.Min(batch, blockCount - b0);
            var results = new GwasBlock[count];
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancel }, j =>
            {
                if (!workspaces.TryTake(out var ws)) ws = new Workspace(n, blockSize, genotypes.BytesPerVariant, groups, founders);
                var first = (long)(b0 + j) * blockSize;
                var rows = (int)Math.Min(blockSize, genotypes.VariantCount - first);
                results[j] = ws.Process(genotypes, groups, first, rows, options);
                workspaces.Add(ws);
            });
            sinking.GetAwaiter().GetResult();
            var done = Math.Min(genotypes.VariantCount, (long)(b0 + count) * blockSize);
            task.Report(done, $"{done:N0} variants");
            sinking = Task.Run(() =>
            {
                foreach (var r in results) sink(r);
            }, cancel);
        }
        sinking.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Scans and hands each block, with its variants (in the genotypes' order), to <paramref name="sink"/>, then commits it.
    /// </summary>
    public static void Run(PackedGenotypes genotypes, IReadOnlyList<PhenotypeGroup> groups, GwasOptions options, IEnumerable<GlmVariant> variants,
        IGwasSink sink, bool[]? founders = null, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        using var next = variants.GetEnumerator();
        Run(genotypes, groups, options, block =>
        {
            var batch = new List<GlmVariant>(block.Count);
            for (var i = 0; i < block.Count && next.MoveNext(); i++) batch.Add(next.Current);
            if (batch.Count != block.Count) throw new ArgumentException($"fewer variants than genotypes (block at {block.First})", nameof(variants));
            sink.Write(block, batch);
        }, founders, progress, cancel);
        sink.Commit();
    }

    /// <summary>Variants per block: enough rows to reuse each slice of Z across 8 micro-kernels, few enough that the
    /// decoded chunk (rows x 1024 doubles) stays in L2. Dosages are never held for the whole block.</summary>
    public const int DefaultBlockSize = 64;

    /// <summary>Per-thread buffers, reused across blocks.</summary>
    private sealed class Workspace
    {
        private readonly int _n;
        private readonly byte[] _packed;
        private readonly double[] _scratch;
        private readonly double[][] _c;
        private readonly List<int>[] _missing;
        private readonly List<int> _groupMissing = [];
        private readonly ulong[] _allMask;
        private readonly ulong[]? _founderMask;
        private readonly int _founderCount;
        private readonly ulong[]?[] _memberMasks;
        private readonly (double[] Z, int Panels)[] _rightHandSides;

        public Workspace(int n, int blockSize, int bytesPerVariant, IReadOnlyList<PhenotypeGroup> groups, bool[]? founders)
        {
            _n = n;
            _packed = new byte[blockSize * bytesPerVariant];
            _scratch = new double[blockSize * BlockProduct.ChunkSamples];
            _c = groups.Select(g => new double[blockSize * g.Panels * BlockProduct.Width]).ToArray();
            _missing = Enumerable.Range(0, blockSize).Select(_ => new List<int>()).ToArray();
            _allMask = GenotypeCounts.Mask(n);
            _founderMask = founders is null ? null : GenotypeCounts.Mask(n, i => founders[i]);
            _founderCount = founders?.Count(f => f) ?? n;
            _memberMasks = groups.Select(g => g.Members is null ? null : GenotypeCounts.Mask(n, MemberSet(g.Members, n))).ToArray();
            _rightHandSides = groups.Select(g => (g.Z, g.Panels)).ToArray();
        }

        public GwasBlock Process(PackedGenotypes genotypes, IReadOnlyList<PhenotypeGroup> groups, long first, int rows, GwasOptions options)
        {
            var bytes = genotypes.BytesPerVariant;
            genotypes.Read(first, rows, _packed.AsSpan(0, rows * bytes));
            var paddedRows = (rows + BlockProduct.Rows - 1) / BlockProduct.Rows * BlockProduct.Rows;
            var founderFreq = new double[rows];
            for (var v = 0; v < rows; v++)
            {
                var record = _packed.AsSpan(v * bytes, bytes);
                _missing[v].Clear();
                GenotypeDecoder.FindMissing(record, _n, _missing[v]);
                var counts = GenotypeCounts.Count(record, _founderMask ?? _allMask);
                var observed = _founderCount - counts.Missing;
                founderFreq[v] = observed > 0 ? counts.Sum / (2.0 * observed) : double.NaN;
            }
            BlockProduct.MultiplyPacked(_packed, rows, paddedRows, bytes, _n, _rightHandSides, _c, _scratch);
            var results = new GroupBlockResult[groups.Count];
            for (var g = 0; g < groups.Count; g++)
            {
                var group = groups[g];
                var result = new GroupBlockResult(group, rows, options.CovariateRows);
                var width = group.Panels * BlockProduct.Width;
                for (var v = 0; v < rows; v++)
                {
                    var record = _packed.AsSpan(v * bytes, bytes);
                    var xx = GenotypeCounts.Count(record, _memberMasks[g] ?? _allMask).SumOfSquares;
                    var missing = group.Members is null ? _missing[v] : InGroup(_missing[v], group.Members);
                    VariantRegression.Solve(group, _c[g].AsSpan(v * width, width), xx, missing, v, result, options.MaxVif);
                }
                results[g] = result;
            }
            return new GwasBlock(first, rows, results, founderFreq);
        }

        private static Func<int, bool> MemberSet(int[] members, int n)
        {
            var set = new bool[n];
            foreach (var i in members) set[i] = true;
            return i => set[i];
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
