using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Methods.Behrt;
using LabelFree.Workflows.Ehr;

namespace LabelFree.Cli.Commands.Ehr;

/// <summary><c>ehr pretrain</c>: BEHRT's masked-language-model pre-training on a cohort's event sequences (<see cref="BehrtPretraining"/>).</summary>
public static class EhrPretrainCommand
{
    public static Command Create()
    {
        var cohort = new CohortOptions();
        var size = Flags.Choice("--size", "small (hidden 96, 2 layers; for CPUs) or paper (BEHRT's hidden 288, 6 layers, 12 heads)", BehrtSize.Small);
        var maxLength = new Option<int>("--max-length") { Description = "Most tokens per patient; the most recent visits are kept", DefaultValueFactory = _ => 64 }.Positive();
        var bins = new Option<int>("--bins") { Description = "Quantile bins per numeric code (chol:q1..q10)", DefaultValueFactory = _ => 10 }.Positive();
        var minCount = new Option<int>("--min-count") { Description = "Tokens seen fewer times in training patients become [UNK]", DefaultValueFactory = _ => 5 }.Positive();
        var run = new RunOptions("Run folder (model/, metrics.jsonl, checkpoints/, figures/)");
        var train = new TrainOptions(Behrt.DefaultTraining(0), learningRateNote: "reference 3e-5 for its GPU runs");
        var command = new Command("pretrain", "Pre-train BEHRT by masked language modelling on patients' visits (test patients of the seeded 70/10/20 split are held out)") { size, maxLength, bins, minCount };
        cohort.AddTo(command);
        run.AddTo(command);
        train.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var summary = BehrtPretraining.Run(new BehrtPretrainSettings(r.GetValue(cohort.Events)!, r.GetValue(cohort.Patients)!, flags.ApplyTo(Behrt.DefaultTraining(settings.Seed)),
                r.GetValue(size), r.GetValue(maxLength), r.GetValue(bins), r.GetValue(minCount)), settings, flags.Resume, new ConsoleProgress());
            Console.WriteLine($"pre-trained {summary.Steps} steps on {summary.TrainPatients:N0} patients ({summary.Vocabulary} tokens, {summary.PatientsPerSecond:F0} patients/s), " +
                              $"final MLM loss {summary.FinalLoss:G4}, best validation {summary.BestValidationLoss:G4}; model: {summary.ModelFolder}");
            return CommandLine.Ok;
        });
        return command;
    }
}
