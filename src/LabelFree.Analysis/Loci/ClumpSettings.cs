using LabelFree.Core.Errors;

namespace LabelFree.Analysis.Loci;

/// <summary>
/// PLINK --clump thresholds: index variants have P &lt;= <see cref="P1"/>; a variant joins an index variant's clump
/// if its P &lt;= <see cref="P2"/>, it lies within <see cref="Kb"/> kb and its r² with the index is &gt;= <see cref="R2"/>.
/// The defaults are PLINK's; <see cref="GenomeWide"/> is the common 5e-8 / 1e-2 / 0.1 / 250 kb preset.
/// </summary>
public sealed record ClumpSettings(double P1 = 1e-4, double P2 = 1e-2, double R2 = 0.5, int Kb = 250)
{
    public static ClumpSettings GenomeWide { get; } = new(5e-8, 1e-2, 0.1, 250);

    /// <summary>Throws a <see cref="SettingException"/> naming the first bad threshold (clump_p1, clump_p2, clump_r2, clump_kb).</summary>
    public ClumpSettings Validate()
    {
        if (!(P1 > 0 && P1 <= 1)) throw new SettingException("clump_p1", $"expected a p-value in (0, 1], got {P1}");
        if (!(P2 >= P1 && P2 <= 1)) throw new SettingException("clump_p2", $"expected a p-value in [p1 = {P1}, 1], got {P2}");
        if (!(R2 >= 0 && R2 <= 1)) throw new SettingException("clump_r2", $"expected an r² in [0, 1], got {R2}");
        if (Kb <= 0) throw new SettingException("clump_kb", $"expected a positive window in kb, got {Kb}");
        return this;
    }
}
