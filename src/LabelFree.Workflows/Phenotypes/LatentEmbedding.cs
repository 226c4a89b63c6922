using System.Globalization;
using System.Text;
using LabelFree.Analysis.Phenotypes;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Phenotypes;

/// <summary>What embedding wrote: people, latents, seeds merged and the mean absolute correlation of matched latents across seeds.</summary>
public sealed record LatentEmbeddingSummary(int People, int Latents, int Seeds, double Reproducibility, string LatentsPath);

/// <summary>
/// A trained latent-phenotype model applied to people: every seed's latents, matched and merged (latents.tsv,
/// <c>#FID IID Z1..Zk</c>; seeds.tsv with each latent's match and |r| per seed), and optionally the latent GWAS.
/// The input is read with the model's grid (images) before the output folder is made.
/// </summary>
public static class LatentEmbedding
{
    public static LatentEmbeddingSummary Run(string model, Func<VolumeGrid?, PhenotypeInput> read, RunSettings run)
    {
        var (input, merged, seeds) = Embed(model, read, run);
        var path = Path.Combine(run.Out, "latents.tsv");
        PhenotypeTable.Write(path, input.People, Enumerable.Range(0, merged.Merged.GetLength(1))
            .Select(j => ($"Z{j + 1}", Enumerable.Range(0, input.People.Count).Select(i => merged.Merged[i, j]).ToArray())).ToArray());
        return new LatentEmbeddingSummary(input.People.Count, merged.Merged.GetLength(1), seeds, merged.Reproducibility().Average(), path);
    }

    public static LatentGwasResult Gwas(string model, Func<VolumeGrid?, PhenotypeInput> read, LatentGwasSettings gwas, RunSettings run, IProgressReporter progress)
    {
        gwas.Validate();
        var (input, merged, _) = Embed(model, read, run);
        return LatentGwas.Run(input.People, merged.Merged, gwas, run.Out, progress);
    }

    private static (PhenotypeInput Input, MatchedLatents Merged, int Seeds) Embed(string model, Func<VolumeGrid?, PhenotypeInput> read, RunSettings run)
    {
        var device = run.StartTorch();
        using var models = LatentModels.Load(model, device);
        var input = read(models.Record.Grid);
        var merged = models.Embed(input);
        Directory.CreateDirectory(run.Out);
        WriteSeeds(Path.Combine(run.Out, "seeds.tsv"), models.Record.Seeds, merged);
        return (input, merged, models.Models.Count);
    }

    /// <summary>seeds.tsv: per merged latent, the matched latent of each other seed and its absolute correlation with the first seed's.</summary>
    public static void WriteSeeds(string path, IReadOnlyList<long> seeds, MatchedLatents merged)
    {
        var text = new StringBuilder("LATENT\tREPRODUCIBILITY");
        foreach (var s in seeds.Skip(1)) text.Append(CultureInfo.InvariantCulture, $"\tSEED{s}_MATCH\tSEED{s}_ABS_R");
        text.Append('\n');
        var reproducibility = merged.Reproducibility();
        for (var j = 0; j < reproducibility.Length; j++)
        {
            text.Append(CultureInfo.InvariantCulture, $"Z{j + 1}\t{reproducibility[j]:F4}");
            for (var s = 0; s < merged.Assignment.Count; s++)
                text.Append(CultureInfo.InvariantCulture, $"\tZ{merged.Assignment[s][j] + 1}\t{merged.MatchedCorrelation[s][j]:F4}");
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
