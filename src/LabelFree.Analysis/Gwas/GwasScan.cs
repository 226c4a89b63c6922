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
        Action<GwasBlock> sink, bool[]? founders = null, IProgressReporter? progress = null, CancellationToken cancel = default) =>
        Run(genotypes.VariantCount, groups, options, sink, progress, cancel,
            blockSize => new PackedWorkspace(genotypes, blockSize, groups, founders));

    /// <summary>The same scan on dosages (BGEN): x'x, the founders' A1 frequency and the missing samples come from
    /// the dosage rows instead of genotype counts; the regression is the same.</summary>
    public static void Run(DosageGenotypes genotypes, IReadOnlyList<PhenotypeGroup> groups, GwasOptions options,
        Action<GwasBlock> sink, bool[]? founders = null, IProgressReporter? progress = null, CancellationToken cancel = default) =>
        Run(genotypes.VariantCount, groups, options, sink, progress, cancel,
            blockSize => new DosageWorkspace(genotypes, blockSize, groups, founders));

    private static void Run(long variantCount, IReadOnlyList<PhenotypeGroup> groups, GwasOptions options, Action<GwasBlock> sink,
        IProgressReporter? progress, CancellationToken cancel, Func<int, Workspace> newWorkspace)
    {
        options.Validate();
        progress ??= SilentProgress.Instance;
        var blockSize = options.BlockVariants > 0 ? options.BlockVariants : DefaultBlockSize;
        var blockCount = (int)((variantCount + blockSize - 1) / blockSize);
        var batch = options.Threads * 2;
        var workspaces = new System.Collections.Concurrent.ConcurrentBag<Workspace>();
        using var task = progress.Start("gwas", variantCount);
        // The sink (formatting and writing) of one batch runs while the next batch is computed; sinks stay in order.
        var sinking = Task.CompletedTask;
        for (var b0 = 0; b0 < blockCount; b0 += batch)
        {
            cancel.ThrowIfCancellationRequested();
            var count = Math.Min(batch, blockCount - b0);
            var results = new GwasBlock[count];
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancel }, j =>
            {
                if (!workspaces.TryTake(out var ws)) ws = newWorkspace(blockSize);
                var first = (long)(b0 + j) * blockSize;
                var rows = (int)Math.Min(blockSize, variantCount - first);
                results[j] = ws.Process(groups, first, rows, options);
                workspaces.Add(ws);
            });
            sinking.GetAwaiter().GetResult();
            var done = Math.Min(variantCount, (long)(b0 + count) * blockSize);
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
        Run(genotypes, groups, options, WithVariants(variants, sink), founders, progress, cancel);
        sink.Commit();
    }

    /// <inheritdoc cref="Run(PackedGenotypes, IReadOnlyList{PhenotypeGroup}, GwasOptions, IEnumerable{GlmVariant}, IGwasSink, bool[], IProgressReporter, CancellationToken)"/>
    public static void Run(DosageGenotypes genotypes, IReadOnlyList<PhenotypeGroup> groups, GwasOptions options, IEnumerable<GlmVariant> variants,
        IGwasSink sink, bool[]? founders = null, IProgressReporter? progress = null, CancellationToken cancel = default)
    {
        Run(genotypes, groups, options, WithVariants(variants, sink), founders, progress, cancel);
        sink.Commit();
    }

    private static Action<GwasBlock> WithVariants(IEnumerable<GlmVariant> variants, IGwasSink sink)
    {
        var next = variants.GetEnumerator();
        return block =>
        {
            var batch = new List<GlmVariant>(block.Count);
            for (var i = 0; i < block.Count && next.MoveNext(); i++) batch.Add(next.Current);
            if (batch.Count != block.Count) throw new ArgumentException($"fewer variants than genotypes (block at {block.First})", nameof(variants));
            sink.Write(block, batch);
        };
    }

    /// <summary>Variants per block: enough rows to reuse each slice of Z across 8 micro-kernels, few enough that the
    /// decoded chunk (rows x 1024 doubles) stays in L2. Dosages are never held for the whole block.</summary>
    public const int DefaultBlockSize = 64;

    /// <summary>Per-thread buffers, reused across blocks. A block is loaded (product X Z per group, x'x over each
    /// group's samples, missing samples, founders' A1 frequency) by the genotype kind; the regressions are shared.</summary>
    private abstract class Workspace
    {
        protected readonly int N;
        protected readonly double[][] C;
        protected readonly List<int>[] Missing;
        protected readonly (double[] Z, int Panels)[] RightHandSides;
        private readonly List<int> _groupMissing = [];

        protected Workspace(int n, int blockSize, IReadOnlyList<PhenotypeGroup> groups)
        {
            N = n;
            C = groups.Select(g => new double[blockSize * g.Panels * BlockProduct.Width]).ToArray();
            Missing = Enumerable.Range(0, blockSize).Select(_ => new List<int>()).ToArray();
            RightHandSides = groups.Select(g => (g.Z, g.Panels)).ToArray();
        }

        /// <summary>Fills C, Missing and <paramref name="founderFreq"/> for the block; <paramref name="xx"/>[g][v] is
        /// x'x over group g's samples.</summary>
        protected abstract void Load(long first, int rows, int paddedRows, double[] founderFreq, double[][] xx);

        public GwasBlock Process(IReadOnlyList<PhenotypeGroup> groups, long first, int rows, GwasOptions options)
        {
            var paddedRows = (rows + BlockProduct.Rows - 1) / BlockProduct.Rows * BlockProduct.Rows;
            var founderFreq = new double[rows];
            var xx = groups.Select(_ => new double[rows]).ToArray();
            Load(first, rows, paddedRows, founderFreq, xx);
            var results = new GroupBlockResult[groups.Count];
            for (var g = 0; g < groups.Count; g++)
            {
                var group = groups[g];
                var result = new GroupBlockResult(group, rows, options.CovariateRows);
                var width = group.Panels * BlockProduct.Width;
                for (var v = 0; v < rows; v++)
                {
                    var missing = group.Members is null ? Missing[v] : InGroup(Missing[v], group.Members);
                    VariantRegression.Solve(group, C[g].AsSpan(v * width, width), xx[g][v], missing, v, result, options.MaxVif);
                }
                results[g] = result;
            }
            return new GwasBlock(first, rows, results, founderFreq);
        }

        private List<int> InGroup(List<int> missing, int[] members)
        {
            _groupMissing.Clear();
            foreach (var i in missing)
                if (Array.BinarySearch(members, i) >= 0) _groupMissing.Add(i);
            return _groupMissing;
        }
    }

    /// <summary>PLINK 1 hard calls: decoded chunk by chunk inside the product, counted with bit masks.</summary>
    private sealed class PackedWorkspace : Workspace
    {
        private readonly PackedGenotypes _genotypes;
        private readonly byte[] _packed;
        private readonly double[] _scratch;
        private readonly ulong[] _allMask;
        private readonly ulong[]? _founderMask;
        private readonly int _founderCount;
        private readonly ulong[]?[] _memberMasks;

        public PackedWorkspace(PackedGenotypes genotypes, int blockSize, IReadOnlyList<PhenotypeGroup> groups, bool[]? founders)
            : base(genotypes.SampleCount, blockSize, groups)
        {
            _genotypes = genotypes;
            _packed = new byte[blockSize * genotypes.BytesPerVariant];
            _scratch = new double[blockSize * BlockProduct.ChunkSamples];
            _allMask = GenotypeCounts.Mask(N);
            _founderMask = founders is null ? null : GenotypeCounts.Mask(N, i => founders[i]);
            _founderCount = founders?.Count(f => f) ?? N;
            _memberMasks = groups.Select(g => g.Members is null ? null : GenotypeCounts.Mask(N, MemberSet(g.Members, N))).ToArray();
        }

        protected override void Load(long first, int rows, int paddedRows, double[] founderFreq, double[][] xx)
        {
            var bytes = _genotypes.BytesPerVariant;
            _genotypes.Read(first, rows, _packed.AsSpan(0, rows * bytes));
            for (var v = 0; v < rows; v++)
            {
                var record = _packed.AsSpan(v * bytes, bytes);
                Missing[v].Clear();
                GenotypeDecoder.FindMissing(record, N, Missing[v]);
                var counts = GenotypeCounts.Count(record, _founderMask ?? _allMask);
                var observed = _founderCount - counts.Missing;
                founderFreq[v] = observed > 0 ? counts.Sum / (2.0 * observed) : double.NaN;
                for (var g = 0; g < xx.Length; g++) xx[g][v] = GenotypeCounts.Count(record, _memberMasks[g] ?? _allMask).SumOfSquares;
            }
            BlockProduct.MultiplyPacked(_packed, rows, paddedRows, bytes, N, RightHandSides, C, _scratch);
        }

        private static Func<int, bool> MemberSet(int[] members, int n)
        {
            var set = new bool[n];
            foreach (var i in members) set[i] = true;
            return i => set[i];
        }
    }

    /// <summary>Dosages: the block's rows are decoded whole (blockSize x N doubles per worker), then multiplied.</summary>
    private sealed class DosageWorkspace : Workspace
    {
        private readonly DosageGenotypes _genotypes;
        private readonly double[] _x;
        private readonly bool[]? _founders;
        private readonly int[]?[] _members;

        public DosageWorkspace(DosageGenotypes genotypes, int blockSize, IReadOnlyList<PhenotypeGroup> groups, bool[]? founders)
            : base(genotypes.SampleCount, blockSize, groups)
        {
            _genotypes = genotypes;
            _x = new double[(long)blockSize * N is var size && size < Array.MaxLength ? (int)size : throw new ArgumentException("block too large")];
            _founders = founders;
            _members = groups.Select(g => g.Members).ToArray();
        }

        protected override void Load(long first, int rows, int paddedRows, double[] founderFreq, double[][] xx)
        {
            _genotypes.Read(first, rows, _x, N, Missing);
            _x.AsSpan(rows * N, (paddedRows - rows) * N).Clear();
            for (var v = 0; v < rows; v++)
            {
                var x = _x.AsSpan(v * N, N);
                double sum = 0;
                var observed = 0;
                if (_founders is null)
                {
                    foreach (var d in x) sum += d;
                    observed = N - Missing[v].Count;
                }
                else
                {
                    for (var i = 0; i < N; i++)
                        if (_founders[i]) { sum += x[i]; observed++; }
                    foreach (var i in Missing[v])
                        if (_founders[i]) observed--;
                }
                founderFreq[v] = observed > 0 ? sum / (2.0 * observed) : double.NaN;
                var all = VariantRegression.SumOfSquares(x);
                for (var g = 0; g < xx.Length; g++)
                {
                    if (_members[g] is not { } members) xx[g][v] = all;
                    else
                    {
                        double s = 0;
                        foreach (var i in members) s += x[i] * x[i];
                        xx[g][v] = s;
                    }
                }
            }
            for (var g = 0; g < C.Length; g++)
                BlockProduct.Multiply(_x, paddedRows, N, N, RightHandSides[g].Z, RightHandSides[g].Panels, C[g]);
        }
    }
}
