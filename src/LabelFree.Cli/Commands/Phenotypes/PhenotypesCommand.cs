using System.CommandLine;

namespace LabelFree.Cli.Commands.Phenotypes;

/// <summary><c>labelfree phenotypes train|embed|gwas|simulate</c>: latent phenotypes (Ometto et al.'s protocol) to genetic loci.</summary>
public static class PhenotypesCommand
{
    public static Command Create() => new("phenotypes", "Latent phenotypes from images or tables, merged across seeds, to genetic loci")
    {
        PhenotypesTrainCommand.Create(),
        PhenotypesEmbedCommand.Create(),
        PhenotypesGwasCommand.Create(),
        PhenotypesSimulateCommand.Create(),
    };
}
