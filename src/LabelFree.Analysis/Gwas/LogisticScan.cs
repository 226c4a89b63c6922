using LabelFree.Core.Progress;

namespace LabelFree.Analysis.Gwas;

/// <summary>One case/control phenotype's results for a block of variants, oriented to the tested allele A1.</summary>
public sealed class LogisticResult(int count)
{
    public int[] ObsCount { get; } = new int[count];

    /// <summary>A1 frequency over the regression's samples.</summary>
    public double[] A1Freq { get; } = new double[count];

    /// <summary>Whether Firth regression gave the result (plink2's FIRTH? column).</summary>
    public bool[] Firth { get; } = new bool[count];

    /// <summary>ln(odds ratio) per A1 allele; NaN where there is no result.</summary>
    public double[] Beta { get; } = new double[count];

    public double[] Se { get; } = new double[count];

    public GlmError[] Error { get; } = new GlmError[count];
}

/// <summary>Results of variants [First, First + Count): per phenotype, and whether A1 is the REF allele.</summary>
public sealed record LogisticBlock(long First, int Count, IReadOnlyList<LogisticResult> Phenotypes, bool[] A1IsRef);

/// <summary>
/// Case/control association as plink2 --glm with its default firth-fallback: per variant and phenotype, logistic
/// regression of case status on intercept + covariates + A1 dosage over the samples with the phenotype, every
/// covariate and the genotype (<see cref="GlmLogistic"/>), plink2's checks first (SAMPLE_CT&lt;=PREDICTOR_CT,
/// CONST_OMITTED_ALLELE, CORR_TOO_HIGH, VIF_INFINITE, VIF_TOO_HIGH), Firth regression where A1 is absent from cases or
/// from controls or where the logistic fit fails, and INVALID_RESULT for a degenerate covariance.
/// A1 is ALT unless ALT's frequency among founders exceeds 0.5 (then REF, and the regression is on REF dosage).
/// Unlike the linear scan, this refits every regression (about 5 Newton steps of O(N k^2) each), as plink2 does.
/// </summary>
public static class LogisticScan
{
    /// <param name="phenotypes">Per phenotype: 1 case, 0 control, NaN missing (see <see cref="CaseControl.Code"/>).</param>
    /// <param name="covariates">Per covariate: one value per sample, NaN missing.</param>
    public static void Run(DosageGenotypes genotypes, IReadOnlyList<double[]> phenotypes, IReadOnlyList<double[]> covariates, int threads,
        Action<LogisticBlock> sink, bool[]? founders = null, IProgressReporter? progress = null, CancellationToken cancel = default, int blockSize = 64)
    {
        progress ??= SilentProgress.Instance;
        var n = genotypes.SampleCount;
        var usable = phenotypes.Select(y => Enumerable.Range(0, n).Select(i => !double.IsNaN(y[i]) && covariates.All(c => !double.IsNaN(c[i]))).ToArray()).ToArray();
        var blockCount = (int)((genotypes.VariantCount + blockSize - 1) / blockSize);
        using var task = progress.Start("gwas (logistic)", genotypes.VariantCount);
        var batch = threads * 2;
        for (var b0 = 0; b0 < blockCount; b0 += batch)
        {
            cancel.ThrowIfCancellationRequested();
            var count = Math.Min(batch, blockCount - b0);
            var results = new LogisticBlock[count];
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel }, j =>
            {
                var first = (long)(b0 + j) * blockSize;
                var rows = (int)Math.Min(blockSize, genotypes.VariantCount - first);
                results[j] = Block(genotypes, first, rows, phenotypes, covariates, usable, founders);
            });
            foreach (var r in results) sink(r);
            var done = Math.Min(genotypes.VariantCount, (long)(b0 + count) * blockSize);
            task.Report(done, $"{done:N0} variants");
        }
    }

    private static LogisticBlock Block(DosageGenotypes genotypes, long first, int rows, IReadOnlyList<double[]> phenotypes,
        IReadOnlyList<double[]> covariates, bool[][] usable, bool[]? founders)
    {
        var n = genotypes.SampleCount;
        var x = new double[rows * n];
        var missing = Enumerable.Range(0, rows).Select(_ => new List<int>()).ToArray();
        genotypes.Read(first, rows, x, n, missing);
        var results = phenotypes.Select(_ => new LogisticResult(rows)).ToArray();
        var a1IsRef = new bool[rows];
        var present = new bool[n];
        for (var v = 0; v < rows; v++)
        {
            var row = x.AsSpan(v * n, n);
            Array.Fill(present, true);
            foreach (var i in missing[v]) present[i] = false;
            double founderSum = 0;
            var founderCount = 0;
            for (var i = 0; i < n; i++)
                if (present[i] && (founders is null || founders[i]))
                {
                    founderSum += row[i];
                    founderCount++;
                }
            a1IsRef[v] = founderCount > 0 && founderSum / (2.0 * founderCount) > 0.5;
            if (a1IsRef[v])
                for (var i = 0; i < n; i++)
                    if (present[i]) row[i] = 2 - row[i];
            for (var p = 0; p < phenotypes.Count; p++)
                Test(row, present, phenotypes[p], covariates, usable[p], results[p], v);
        }
        return new LogisticBlock(first, rows, results, a1IsRef);
    }

    private static void Test(ReadOnlySpan<double> dosage, bool[] present, double[] y, IReadOnlyList<double[]> covariates, bool[] usable, LogisticResult result, int v)
    {
        var samples = new List<int>();
        for (var i = 0; i < dosage.Length; i++)
            if (usable[i] && present[i]) samples.Add(i);
        var n = samples.Count;
        var k = covariates.Count + 2;
        result.ObsCount[v] = n;
        result.Beta[v] = result.Se[v] = double.NaN;
        double sum = 0, caseSum = 0;
        var constant = true;
        foreach (var i in samples)
        {
            sum += dosage[i];
            if (y[i] > 0) caseSum += dosage[i];
            constant &= dosage[i] == dosage[samples[0]];
        }
        result.A1Freq[v] = n > 0 ? sum / (2.0 * n) : double.NaN;
        if (n <= k) { result.Error[v] = GlmError.SampleCtLtePredictorCt; return; }
        if (constant) { result.Error[v] = GlmError.ConstOmittedAllele; return; }
        var design = new double[n * k];
        var outcome = new double[n];
        for (var r = 0; r < n; r++)
        {
            var i = samples[r];
            design[r * k] = 1;
            for (var c = 0; c < covariates.Count; c++) design[r * k + 1 + c] = covariates[c][i];
            design[r * k + k - 1] = dosage[i];
            outcome[r] = y[i];
        }
        var collinear = PredictorCheck(design, n, k);
        if (collinear != GlmError.None) { result.Error[v] = collinear; return; }

        var coef = new double[k];
        var covariance = new double[k * k];
        var fit = caseSum == 0 || caseSum == sum ? FitOutcome.Failed : GlmLogistic.Fit(design, n, k, outcome, coef, covariance);
        if (fit == FitOutcome.Failed)
        {
            result.Firth[v] = true;
            fit = GlmLogistic.FitFirth(design, n, k, outcome, coef, covariance);
            if (fit == FitOutcome.Failed) { result.Error[v] = GlmError.FirthConvergeFail; return; }
        }
        // plink2: every variance above 1e-20 and finite, and no covariance at or above 0.99999 of its bound.
        for (var a = 1; a < k; a++)
        {
            var d = covariance[a * k + a];
            if (!(d >= 1e-20) || !double.IsFinite(d)) { result.Error[v] = GlmError.InvalidResult; return; }
        }
        for (var a = 2; a < k; a++)
            for (var b = 1; b < a; b++)
                if (covariance[a * k + b] > 0.99999 * Math.Sqrt(covariance[a * k + a]) * Math.Sqrt(covariance[b * k + b]))
                {
                    result.Error[v] = GlmError.InvalidResult;
                    return;
                }
        result.Beta[v] = coef[k - 1];
        result.Se[v] = Math.Sqrt(covariance[(k - 1) * k + k - 1]);
        result.Error[v] = fit == FitOutcome.Unfinished ? GlmError.Unfinished : GlmError.None;
    }

    /// <summary>
    /// plink2's predictor checks on the non-intercept columns: any correlation above <see cref="VariantRegression.MaxCorrelation"/>
    /// (CORR_TOO_HIGH), a singular correlation matrix (VIF_INFINITE) or a variance inflation factor above 50 (VIF_TOO_HIGH).
    /// </summary>
    private static GlmError PredictorCheck(double[] design, int n, int k)
    {
        var m = k - 1;
        var mean = new double[m];
        for (var r = 0; r < n; r++)
            for (var a = 0; a < m; a++) mean[a] += design[r * k + 1 + a];
        for (var a = 0; a < m; a++) mean[a] /= n;
        var cov = new double[m * m];
        for (var r = 0; r < n; r++)
            for (var a = 0; a < m; a++)
            {
                var da = design[r * k + 1 + a] - mean[a];
                for (var b = 0; b <= a; b++) cov[a * m + b] += da * (design[r * k + 1 + b] - mean[b]);
            }
        var corr = new double[m * m];
        for (var a = 0; a < m; a++)
            for (var b = 0; b <= a; b++)
            {
                var r = cov[a * m + b] / Math.Sqrt(cov[a * m + a] * cov[b * m + b]);
                if (a != b && Math.Abs(r) > VariantRegression.MaxCorrelation) return GlmError.CorrTooHigh;
                corr[a * m + b] = corr[b * m + a] = a == b ? 1 : r;
            }
        // VIF_j = (R^-1)_jj: invert R by Cholesky.
        var l = (double[])corr.Clone();
        for (var j = 0; j < m; j++)
        {
            var d = l[j * m + j];
            for (var q = 0; q < j; q++) d -= l[j * m + q] * l[j * m + q];
            if (!(d > 1e-12)) return GlmError.VifInfinite;
            d = Math.Sqrt(d);
            l[j * m + j] = d;
            for (var i = j + 1; i < m; i++)
            {
                var e = l[i * m + j];
                for (var q = 0; q < j; q++) e -= l[i * m + q] * l[j * m + q];
                l[i * m + j] = e / d;
            }
        }
        for (var c = 0; c < m; c++)
        {
            var e = new double[m];
            e[c] = 1;
            for (var i = 0; i < m; i++)
            {
                var s = e[i];
                for (var q = 0; q < i; q++) s -= l[i * m + q] * e[q];
                e[i] = s / l[i * m + i];
            }
            double vif = 0;
            for (var i = 0; i < m; i++) vif += e[i] * e[i];   // (R^-1)_cc = |L^-1 e_c|^2
            if (vif > 50) return GlmError.VifTooHigh;
        }
        return GlmError.None;
    }
}
