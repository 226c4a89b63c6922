using LabelFree.Analysis.Loci;
using LabelFree.Analysis.Phenotypes;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.Genotypes;
using LabelFree.Workflows.Gwas;

namespace LabelFree.Workflows.Phenotypes;

/// <summary>Genotypes to test latents against, covariates (PLINK table, all columns) or null, the genome-wide threshold and the clumping r² and window.</summary>
public sealed record LatentGwasSettings(string Bfile, string? Covar = null, double GenomeWide = 5e-8, double ClumpR2 = 0.1, int ClumpKb = 250, int Threads = 2)
{
    public LatentGwasSettings Validate()
    {
        if (GenomeWide is <= 0 or >= 1) throw new SettingException("genome_wide", $"expected a P value in (0, 1), got {GenomeWide}");
        if (ClumpR2 is <= 0 or > 1) throw new SettingException("clump_r2", $"expected r² in (0, 1], got {ClumpR2}");
        if (ClumpKb < 1) throw new SettingException("clump_kb", $"expected a positive window, got {ClumpKb}");
        if (Threads < 1) throw new SettingException("threads", $"expected a positive number, got {Threads}");
        UserInputException.RequireFile(Bfile + ".bed", ".bed file");
        if (Covar is not null) UserInputException.RequireFile(Covar, "covariate table");
        return this;
    }
}

/// <summary>What the latent GWAS found: M_eff (Li and Ji), the study-wide threshold, and the loci with the latents each hits.</summary>
public sealed record LatentGwasResult(int People, int Latents, double EffectiveTests, double StudyWideThreshold, IReadOnlyList<Locus> Loci,
    string LatentsPath, string LociPath, string GwasPrefix);

/// <summary>
/// The back half of Ometto et al.'s protocol, from merged latents to loci: each latent rank-based inverse normal
/// transformed (latents.rint.tsv, beside the merged latents in latents.tsv as <c>#FID IID Z1..Zk</c>), a linear scan of
/// every latent with the covariates (gwas/latent.Z*.glm.linear, plink2 format), the study-wide threshold 5e-8 / M_eff
/// with M_eff from the latents' correlation (Li and Ji 2005), and clumping of all latents' results at that threshold
/// into independent loci (loci.tsv: lead SNP, position, P, the latents hit).
/// </summary>
public static class LatentGwas
{
    public static LatentGwasResult Run(IReadOnlyList<FamSample> people, double[,] latents, LatentGwasSettings settings, string folder, IProgressReporter progress)
    {
        settings.Validate();
        var (n, k) = (latents.GetLength(0), latents.GetLength(1));
        if (n != people.Count) throw new ArgumentException("one row of latents per person", nameof(latents));
        var names = Enumerable.Range(1, k).Select(j => $"Z{j}").ToArray();
        var columns = Enumerable.Range(0, k).Select(j => Enumerable.Range(0, n).Select(i => latents[i, j]).ToArray()).ToArray();
        var latentsPath = Path.Combine(folder, "latents.tsv");
        PhenotypeTable.Write(latentsPath, people, names.Zip(columns).ToArray());
        var transformed = columns.Select(c => RankInverseNormal.Transform(c)).ToArray();
        var rintPath = Path.Combine(folder, "latents.rint.tsv");
        PhenotypeTable.Write(rintPath, people, names.Zip(transformed).ToArray());

        var matrix = new double[n, k];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < k; j++) matrix[i, j] = transformed[j][i];
        var effective = EffectiveTests.LiJi(matrix);
        var threshold = EffectiveTests.StudyWideThreshold(effective, settings.GenomeWide);
        progress.Info($"{k} latents, {n} people: M_eff {effective:F1} (Li and Ji), study-wide threshold {threshold:G3}");
        var gwas = Path.Combine(folder, "gwas");
        Directory.CreateDirectory(gwas);
        var prefix = Path.Combine(gwas, "latent");
        var scan = AssociationScan.Run(new AssociationScanSettings(settings.Bfile, rintPath, [], settings.Covar, [], prefix, settings.Threads), progress);
        var lociPath = Path.Combine(folder, "loci.tsv");
        LociSearch.Run(new LociSearchSettings(scan.Files, settings.Bfile, lociPath, "genome-wide", P1: threshold, R2: settings.ClumpR2, Kb: settings.ClumpKb), progress);
        var loci = IndependentLoci.Read(lociPath);
        var result = new LatentGwasResult(n, k, effective, threshold, loci, latentsPath, lociPath, prefix);
        Json.Write(Path.Combine(folder, "gwas_summary.json"), new { result.People, result.Latents, result.EffectiveTests, result.StudyWideThreshold, Loci = loci.Count });
        return result;
    }
}
