using LabelFree.Core.Errors;

namespace LabelFree.Analysis.Gwas;

/// <summary>
/// Phenotypes that share one set of samples (phenotype and every covariate present). Their regressions share the
/// covariate basis Q (orthonormal, intercept first) and one pass over the genotypes: the phenotypes are residualised on
/// Q once, and Z = [Y~ | Q] is the right-hand side of the block product X Z.
/// </summary>
public sealed class PhenotypeGroup
{
    private PhenotypeGroup(int[] phenotypes, int[]? members, int sampleCount, int basisSize, double[] z, double[] residualSsq, int totalSamples,
        Collinearity collinearity, CovariateEffects covariateEffects)
    {
        Collinearity = collinearity;
        CovariateEffects = covariateEffects;
        Phenotypes = phenotypes;
        Members = members;
        SampleCount = sampleCount;
        BasisSize = basisSize;
        Z = z;
        ResidualSsq = residualSsq;
        Panels = BlockProduct.PanelCount(phenotypes.Length + basisSize);
        TotalSamples = totalSamples;
    }

    /// <summary>Indices of this group's phenotypes in the caller's list.</summary>
    public int[] Phenotypes { get; }

    /// <summary>Sample indices in the group, ascending; null when every sample is in it.</summary>
    public int[]? Members { get; }

    /// <summary>Samples in the group (before dropping missing genotypes).</summary>
    public int SampleCount { get; }

    /// <summary>Columns of Q: the intercept plus the covariates that are not collinear.</summary>
    public int BasisSize { get; }

    /// <summary>Packed [Y~ | Q] over all samples (zero outside the group); see <see cref="BlockProduct"/>.</summary>
    public double[] Z { get; }

    public int Panels { get; }

    /// <summary>Y~' Y~ per phenotype.</summary>
    public double[] ResidualSsq { get; }

    public int TotalSamples { get; }

    /// <summary>plink2's correlation and VIF checks of the genotype against the covariates.</summary>
    public Collinearity Collinearity { get; }

    /// <summary>For the covariate rows of plink2's default output.</summary>
    public CovariateEffects CovariateEffects { get; }

    /// <summary>Predictors in each regression (intercept, covariates, genotype), as plink2 counts them for df.</summary>
    public int Predictors => BasisSize + 1;

    /// <summary>Groups the phenotypes by missingness and prepares each group.</summary>
    public static IReadOnlyList<PhenotypeGroup> Build(IReadOnlyList<string> names, IReadOnlyList<double[]> phenotypes,
        IReadOnlyList<string> covariateNames, IReadOnlyList<double[]> covariates, int sampleCount, Action<string> note)
    {
        var covariatesPresent = new bool[sampleCount];
        for (var i = 0; i < sampleCount; i++) covariatesPresent[i] = covariates.All(c => double.IsFinite(c[i]));
        var groups = new Dictionary<string, List<int>>();
        for (var p = 0; p < phenotypes.Count; p++)
        {
            if (phenotypes[p].Length != sampleCount) throw new ArgumentException($"phenotype {names[p]} has {phenotypes[p].Length} values for {sampleCount} samples");
            var present = new bool[sampleCount];
            for (var i = 0; i < sampleCount; i++) present[i] = covariatesPresent[i] && double.IsFinite(phenotypes[p][i]);
            var key = Convert.ToBase64String(PackBits(present));
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(p);
        }
        return groups.Values.Select(g => Prepare(g.ToArray(), names, phenotypes, covariateNames, covariates, covariatesPresent, sampleCount, note)).ToArray();
    }

    private static PhenotypeGroup Prepare(int[] members, IReadOnlyList<string> names, IReadOnlyList<double[]> phenotypes,
        IReadOnlyList<string> covariateNames, IReadOnlyList<double[]> covariates, bool[] covariatesPresent, int n, Action<string> note)
    {
        var first = phenotypes[members[0]];
        var inGroup = new bool[n];
        for (var i = 0; i < n; i++) inGroup[i] = covariatesPresent[i] && double.IsFinite(first[i]);
        var samples = Enumerable.Range(0, n).Where(i => inGroup[i]).ToArray();
        var label = $"phenotype '{names[members[0]]}'" + (members.Length > 1 ? $" (and {members.Length - 1} more with the same missing samples)" : "");
        if (samples.Length == 0)
            throw new UserInputException(covariateNames.Count == 0
                ? $"{label}: no sample of the .fam has a value (do the phenotype file's FID and IID match the .fam's?)"
                : $"{label}: no sample has both the phenotype and every covariate");

        var basis = new List<double[]>();
        var kept = new List<double[]>();
        var keptNames = new List<string>();
        var intercept = new double[n];
        foreach (var i in samples) intercept[i] = 1;
        kept.Add((double[])intercept.Clone());
        AddIfIndependent(basis, intercept);
        for (var c = 0; c < covariates.Count; c++)
        {
            var column = new double[n];
            foreach (var i in samples) column[i] = covariates[c][i];
            var raw = (double[])column.Clone();
            if (AddIfIndependent(basis, column))
            {
                kept.Add(raw);
                keptNames.Add(covariateNames[c]);
            }
            else note($"covariate '{covariateNames[c]}' is constant or collinear with earlier covariates among the samples of {label}; left out");
        }
        if (samples.Length <= basis.Count + 1)
            throw new UserInputException($"{label}: {samples.Length} samples with phenotype and covariates, need more than {basis.Count + 1} predictors");

        var residuals = new List<double[]>();
        var ssq = new double[members.Length];
        var theta = new double[members.Length][];
        for (var k = 0; k < members.Length; k++)
        {
            var y = new double[n];
            foreach (var i in samples) y[i] = phenotypes[members[k]][i];
            var raw = Dot(y, y);
            theta[k] = basis.Select(q => Dot(q, y)).ToArray();
            Orthogonalise(basis, y);
            Orthogonalise(basis, y);
            ssq[k] = Dot(y, y);
            if (ssq[k] <= 1e-20 * Math.Max(raw, 1e-300))
                throw new UserInputException($"phenotype '{names[members[k]]}' is constant{(covariates.Count > 0 ? " after removing the covariates" : "")}");
            residuals.Add(y);
        }
        var z = BlockProduct.Pack([.. residuals, .. basis], n);
        var collinearity = new Collinearity(basis, kept, samples.Length);
        return new PhenotypeGroup(members, samples.Length == n ? null : samples, samples.Length, basis.Count, z, ssq, n,
            collinearity, new CovariateEffects(keptNames, collinearity.R.ToArray(), basis.Count, theta));
    }

    // Modified Gram-Schmidt, applied twice; a column whose remainder is negligible is collinear.
    private static bool AddIfIndependent(List<double[]> basis, double[] column)
    {
        var norm0 = Dot(column, column);
        if (norm0 == 0) return false;
        Orthogonalise(basis, column);
        Orthogonalise(basis, column);
        var norm = Dot(column, column);
        if (norm <= 1e-10 * norm0) return false;
        var scale = 1 / Math.Sqrt(norm);
        for (var i = 0; i < column.Length; i++) column[i] *= scale;
        basis.Add(column);
        return true;
    }

    private static void Orthogonalise(List<double[]> basis, double[] v)
    {
        foreach (var q in basis)
        {
            var d = Dot(q, v);
            for (var i = 0; i < v.Length; i++) v[i] -= d * q[i];
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static byte[] PackBits(bool[] bits)
    {
        var bytes = new byte[(bits.Length + 7) / 8];
        for (var i = 0; i < bits.Length; i++)
            if (bits[i]) bytes[i >> 3] |= (byte)(1 << (i & 7));
        return bytes;
    }
}
