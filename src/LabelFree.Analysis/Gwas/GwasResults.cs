namespace LabelFree.Analysis.Gwas;

/// <summary>Why a test has no result; the names are plink2's ERRCODE values.</summary>
public enum GlmError : byte
{
    None,
    SampleCtLtePredictorCt,
    ConstOmittedAllele,
    CorrTooHigh,
    VifInfinite,
    VifTooHigh,
    RankDeficient,
    InvalidResult,
    /// <summary>Logistic or Firth regression stopped at its iteration limit (the estimate is still reported).</summary>
    Unfinished,
    FirthConvergeFail,
}

/// <summary>Results of one phenotype group for a block of variants; arrays are indexed by variant within the block.</summary>
public sealed class GroupBlockResult(PhenotypeGroup group, int count, bool covariateRows = false)
{
    public PhenotypeGroup Group { get; } = group;

    /// <summary>Samples in each regression (group samples with a genotype).</summary>
    public int[] ObsCount { get; } = new int[count];

    /// <summary>A1 allele frequency among those samples.</summary>
    public double[] A1Freq { get; } = new double[count];

    /// <summary>A problem shared by all phenotypes of the group at this variant.</summary>
    public GlmError[] Error { get; } = new GlmError[count];

    /// <summary>[phenotype in group][variant]; NaN where there is no result.</summary>
    public double[][] Beta { get; } = NewRows(group.Phenotypes.Length, count);

    public double[][] Se { get; } = NewRows(group.Phenotypes.Length, count);

    /// <summary>With covariate rows: [phenotype in group][covariate][variant] coefficients of the covariates in the same
    /// regression (no intercept), as plink2 prints without hide-covar; null otherwise.</summary>
    public double[][][]? CovariateBeta { get; } = covariateRows ? NewCube(group.Phenotypes.Length, group.BasisSize - 1, count) : null;

    public double[][][]? CovariateSe { get; } = covariateRows ? NewCube(group.Phenotypes.Length, group.BasisSize - 1, count) : null;

    /// <summary>Residual degrees of freedom: observations minus predictors (intercept, covariates, genotype).</summary>
    public int DegreesOfFreedom(int variant) => ObsCount[variant] - Group.Predictors;

    private static double[][][] NewCube(int phenotypes, int covariates, int count) =>
        Enumerable.Range(0, phenotypes).Select(_ => NewRows(covariates, count)).ToArray();

    private static double[][] NewRows(int rows, int count)
    {
        var a = new double[rows][];
        for (var r = 0; r < rows; r++) a[r] = new double[count];
        return a;
    }
}

/// <summary>
/// All groups' results for variants [First, First + Count), oriented to the .bim's A1 (column 5).
/// <see cref="FounderA1Freq"/> is that allele's frequency among founders over the whole file; plink2 --glm tests the
/// non-major allele, so where it exceeds 0.5 plink2 reports A1 = the other allele with BETA and T_STAT negated.
/// </summary>
public sealed record GwasBlock(long First, int Count, IReadOnlyList<GroupBlockResult> Groups, double[] FounderA1Freq)
{
    /// <summary>Whether plink2 would report the .bim's A2 (REF) as A1 for this variant.</summary>
    public bool ReportsA2(int variant) => FounderA1Freq[variant] > 0.5;
}

public static class GlmErrorNames
{
    public static string Name(this GlmError error) => error switch
    {
        GlmError.None => ".",
        GlmError.SampleCtLtePredictorCt => "SAMPLE_CT<=PREDICTOR_CT",
        GlmError.ConstOmittedAllele => "CONST_OMITTED_ALLELE",
        GlmError.CorrTooHigh => "CORR_TOO_HIGH",
        GlmError.VifInfinite => "VIF_INFINITE",
        GlmError.VifTooHigh => "VIF_TOO_HIGH",
        GlmError.RankDeficient => "RANK_DEFICIENT",
        GlmError.Unfinished => "UNFINISHED",
        GlmError.FirthConvergeFail => "FIRTH_CONVERGE_FAIL",
        _ => "INVALID_RESULT",
    };
}
