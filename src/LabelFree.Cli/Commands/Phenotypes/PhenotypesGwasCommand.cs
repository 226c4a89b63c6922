using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Phenotypes;

namespace LabelFree.Cli.Commands.Phenotypes;

/// <summary><c>phenotypes gwas</c>: embed, inverse normal transformation, a scan of every latent and loci at the study-wide threshold.</summary>
public static class PhenotypesGwasCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Run folder written by phenotypes train", Required = true };
        var bfile = new Option<string>("--bfile") { Description = "PLINK 1 fileset prefix of the people's genotypes", Required = true };
        var covar = new Option<string?>("--covar") { Description = "Covariate table (#FID IID name...), every column used" };
        var inputs = new PhenotypesOptions();
        var run = new RunOptions(seed: false);
        var command = new Command("gwas", "Latent phenotypes to loci: embed, rank-based inverse normal transformation, GWAS of every latent, loci") { model, bfile, covar };
        inputs.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var result = LatentEmbedding.Gwas(r.GetValue(model)!, grid => inputs.Read(r, grid), new LatentGwasSettings(r.GetValue(bfile)!, r.GetValue(covar), Threads: settings.Threads ?? 2),
                settings, new ConsoleProgress());
            Console.WriteLine(FormattableString.Invariant($"{result.People} people x {result.Latents} latents: M_eff {result.EffectiveTests:F1}, study-wide threshold {result.StudyWideThreshold:G3}, {result.Loci.Count} loci: {result.LociPath}"));
            return CommandLine.Ok;
        });
        return command;
    }
}
