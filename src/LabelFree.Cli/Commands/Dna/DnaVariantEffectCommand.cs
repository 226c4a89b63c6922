using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Dna;

/// <summary><c>dna variant-effect</c>: zero-shot variant scores, embedding distances and the masked log-likelihood ratio (<see cref="DnaVariantEffects"/>).</summary>
public static class DnaVariantEffectCommand
{
    public static Command Create()
    {
        var model = DnaOptions.Model();
        var fasta = new Option<string>("--fasta") { Description = "Reference sequences; record ids are the VCF's CHROM", Required = true };
        var variants = new Option<string>("--variants") { Description = "Variants: VCF (CHROM POS ID REF ALT), plain or gzipped", Required = true };
        var window = new Option<int?>("--window") { Description = "Bases around each variant (default: what the model's tokens hold)" }.Positive().Sets("window_bases");
        var run = new RunOptions();
        var command = new Command("variant-effect", "Zero-shot variant effects: embedding distance and masked log-likelihood ratio of alt over ref") { model, fasta, variants, window };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var summary = DnaVariantEffects.Run(new DnaVariantSettings(r.GetValue(model)!, r.GetValue(fasta)!, r.GetValue(variants)!, r.GetValue(window)), settings, new ConsoleProgress());
            Console.WriteLine($"{summary.Variants} variants: {summary.Scored} with embedding distances, {summary.WithLikelihoodRatio} with a likelihood ratio; {summary.Table}");
            return CommandLine.Ok;
        });
        return command;
    }
}
