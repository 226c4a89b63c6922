using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Dna;

/// <summary><c>dna pretrain</c>: masked pre-training of DNABERT or the Nucleotide Transformer on FASTA, scored against a Markov chain on held-out records (<see cref="DnaPretraining"/>).</summary>
public static class DnaPretrainCommand
{
    public static Command Create()
    {
        var fasta = new Option<string>("--fasta") { Description = "Training sequences: FASTA, plain or gzipped", Required = true };
        var method = DnaOptions.Method();
        var k = new Option<int>("--k") { Description = "DNABERT's k-mer size, 3 to 6 (the NT uses 6)", DefaultValueFactory = _ => 6 };
        var size = DnaOptions.Choice("--size", "small (4 x 128, minutes on a CPU) or base (the published size)", DnaModelSize.Small);
        var window = new Option<int?>("--window") { Description = "Bases per training window (default: what the model's tokens hold, at most the longest record)" }
            .Positive().Sets("window_bases");
        var heldOut = new Option<double>("--held-out") { Description = "Fraction of records held out, as whole groups of overlapping regions", DefaultValueFactory = _ => 0.1 }
            .Sets("held_out_fraction");
        var records = new Option<int?>("--records") { Description = "Use only the first N records of the FASTA (a quick run)" }.Positive();
        var evaluation = new Option<int>("--evaluation-windows") { Description = "Held-out windows scored at the end", DefaultValueFactory = _ => 200 }.Positive();
        var run = new RunOptions("Run folder");
        var train = new TrainOptions(DnaLanguageModel.DefaultTraining(DnaPretraining.DefaultSteps, 0), TrainFlags.Steps | TrainFlags.BatchSize | TrainFlags.LearningRate | TrainFlags.Resume,
            learningRateNote: "DNABERT: 4e-4 at batch 250");
        var command = new Command("pretrain", "Pre-train a DNA language model by masking, with held-out bits per nucleotide beside a Markov chain")
            { fasta, method, k, size, window, heldOut, evaluation, records };
        run.AddTo(command);
        train.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var training = flags.ApplyTo(DnaLanguageModel.DefaultTraining(flags.Steps ?? DnaPretraining.DefaultSteps, settings.Seed));
            var summary = DnaPretraining.Run(new DnaPretrainSettings(r.GetValue(fasta)!, r.GetValue(method), r.GetValue(k), r.GetValue(size), r.GetValue(window),
                r.GetValue(heldOut), r.GetValue(evaluation), r.GetValue(records)), training, settings, flags.Resume, new ConsoleProgress());
            var h = summary.HeldOut;
            Console.WriteLine($"trained {summary.Steps} steps in {summary.Seconds:F0} s; held-out bits per nucleotide {h.ModelBits:F3} " +
                              $"(Markov order {h.MarkovOrder}: {h.MarkovCausalBits:F3} left to right, {h.MarkovConditionalBits:F3} both sides; {h.HiddenBases} hidden bases); model: {Path.Combine(settings.Out, "model")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
