using LabelFree.Analysis.Survival;

namespace LabelFree.Analysis.Gwas;

/// <summary>Two-sided p-values of a standard normal Z as natural logarithms (plink2's P for logistic and Firth
/// regression): P(|Z| &gt;= |z|) = P(chi-square with 1 df &gt;= z^2), so that p below 1e-308 still prints.</summary>
public static class NormalTail
{
    public static double LnTwoSidedP(double z) => ChiSquare.LnUpperTail(z * z, 1);
}
