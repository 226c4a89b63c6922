using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Phenotypes;

namespace LabelFree.Cli.Commands.Phenotypes;

/// <summary><c>phenotypes embed</c>: latents.tsv (#FID IID Z1..Zk) of every person, merged across the model's seeds.</summary>
public static class PhenotypesEmbedCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Run folder written by phenotypes train", Required = true };
        var inputs = new PhenotypesOptions();
        var run = new RunOptions(seed: false);
        var command = new Command("embed", "Latent phenotypes of people (PLINK phenotype format), merged across seeds") { model };
        inputs.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var summary = LatentEmbedding.Run(r.GetValue(model)!, grid => inputs.Read(r, grid), settings);
            Console.WriteLine($"{summary.People} people x {summary.Latents} latents ({summary.Seeds} seeds merged, mean |r| across seeds {summary.Reproducibility:F3}): {summary.LatentsPath}");
            return CommandLine.Ok;
        });
        return command;
    }
}
