using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Dna;

/// <summary><c>dna finetune</c>: a pre-trained DNA model fine-tuned into a classifier, scored beside the k-mer baseline (<see cref="DnaFinetuning"/>).</summary>
public static class DnaFinetuneCommand
{
    public static Command Create()
    {
        var model = DnaOptions.Model();
        var train = new Option<string>("--train") { Description = "Labelled table to fine-tune on", Required = true };
        var validation = new Option<string?>("--validation") { Description = "Labelled table scored every epoch" };
        var test = new Option<string?>("--test") { Description = "Labelled table to score the fine-tuned model and the k-mer baseline on" };
        var folds = new Option<int?>("--folds") { Description = "Instead of --test: cross-validation folds of --train (one model per fold), then the final model on all of it" }
            .Positive();
        var columns = new DnaOptions.TableColumns();
        var run = new RunOptions("Run folder");
        var trainOptions = new TrainOptions(DnaClassifier.DefaultTraining(1, 0), TrainFlags.Epochs | TrainFlags.BatchSize | TrainFlags.LearningRate | TrainFlags.Resume,
            learningRateNote: "DNABERT's fine-tuning");
        var command = new Command("finetune", "Fine-tune a pre-trained DNA model to classify sequences (DNABERT's recipe)") { model, train, validation, test, folds };
        columns.AddTo(command);
        run.AddTo(command);
        trainOptions.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = trainOptions.Read(r);
            var summary = DnaFinetuning.Run(new DnaFinetuneSettings(r.GetValue(model)!, r.GetValue(train)!, r.GetValue(validation), r.GetValue(test), r.GetValue(folds),
                columns.Read(r), flags.Epochs, flags.BatchSize, flags.LearningRate), settings, flags.Resume, new ConsoleProgress());
            var scored = summary.Evaluation is { } m ? $"{m.Protocol}: {DnaCommand.Accuracies(m)}; " : "";
            Console.WriteLine($"fine-tuned {summary.Steps} steps, final loss {summary.FinalLoss:G4}; {scored}model: {summary.ModelFolder}");
            return CommandLine.Ok;
        });
        return command;
    }
}
