namespace LabelFree.Analysis.Loci;

/// <summary>
/// PLINK --clump thresholds: index variants have P &lt;= <see cref="P1"/>; a variant joins an index variant's clump
/// if its P &lt;= <see cref="P2"/>, it lies within <see cref="Kb"/> kb and its r² with the index is &gt;= <see cref="R2"/>.
/// The defaults are PLINK's; <see cref="GenomeWide"/> is the common 5e-8 / 1e-2 / 0.1 / 250 kb preset.
/// </summary>
public sealed record ClumpSettings(double P1 = 1e-4, double P2 = 1e-2, double R2 = 0.5, int Kb = 250)
{
    public static ClumpSettings GenomeWide { get; } = new(5e-8, 1e-2, 0.1, 250);

    public void Validate()
    {
        if (!(P1 > 0 && P1 <= 1)) throw new ArgumentOutOfRangeException(nameof(P1), P1, "--clump-p1 must be in (0, 1]");
        if (!(P2 >= P1 && P2 <= 1)) throw new ArgumentOutOfRangeException(nameof(P2), P2, "--clump-p2 must be in [p1, 1]");
        if (!(R2 >= 0 && R2 <= 1)) throw new ArgumentOutOfRangeException(nameof(R2), R2, "--clump-r2 must be in [0, 1]");
        if (Kb <= 0) throw new ArgumentOutOfRangeException(nameof(Kb), Kb, "--clump-kb must be positive");
    }
}
