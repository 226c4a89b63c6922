using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Dna;

/// <summary><c>dna controls</c>: promoter windows against dinucleotide-shuffled copies, split as a pre-training run split its records (<see cref="DnaControls"/>).</summary>
public static class DnaControlsCommand
{
    public static Command Create()
    {
        var fasta = new Option<string>("--fasta") { Description = "The FASTA file the model was pre-trained on", Required = true };
        var split = new Option<string>("--split") { Description = "split.tsv of that pre-training run (test rows come from its held-out records)", Required = true };
        var bases = new Option<int>("--bases") { Description = "Bases at the end of each record (next to the TSS for upstream files)", DefaultValueFactory = _ => 300 }.Positive();
        var perPart = new Option<int>("--records") { Description = "At most this many records for each of train.csv and test.csv", DefaultValueFactory = _ => 1000 }.Positive().Sets("per_part");
        var run = new RunOptions(device: false, threads: false);
        var command = new Command("controls", "Tables of promoter windows and dinucleotide-shuffled copies (train.csv, test.csv) for probes and fine-tuning") { fasta, split, bases, perPart };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var tables = DnaControls.Write(new DnaControlSettings(r.GetValue(fasta)!, r.GetValue(split)!, r.GetValue(bases), r.GetValue(perPart)), settings.Out, settings.Seed);
            Console.WriteLine($"{tables.TrainRows} training rows: {tables.Train}; {tables.TestRows} test rows: {tables.Test}");
            return CommandLine.Ok;
        });
        return command;
    }
}
