namespace LabelFree.Analysis.Gwas;

/// <summary>
/// plink2's case/control phenotypes: a column is case/control when every present value is 0, 1 or 2 (1 = control,
/// 2 = case, 0 = missing), or with plink2's --1 coding 0 or 1 (0 = control, 1 = case); -9 and NA are missing before
/// this (the table reader). Anything else makes the column quantitative.
/// </summary>
public static class CaseControl
{
    public static bool IsBinary(ReadOnlySpan<double> values, bool zeroIsControl)
    {
        var any = false;
        foreach (var v in values)
        {
            if (double.IsNaN(v)) continue;
            if (!(v == 0 || v == 1 || (!zeroIsControl && v == 2))) return false;
            any = true;
        }
        return any;
    }

    /// <summary>1 for cases, 0 for controls, NaN for missing.</summary>
    public static double[] Code(ReadOnlySpan<double> values, bool zeroIsControl)
    {
        var coded = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            coded[i] = zeroIsControl ? v switch { 0 => 0, 1 => 1, _ => double.NaN } : v switch { 1 => 0, 2 => 1, _ => double.NaN };
        }
        return coded;
    }
}
