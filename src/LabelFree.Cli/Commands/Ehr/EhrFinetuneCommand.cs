using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Methods.Behrt;
using LabelFree.Workflows.Ehr;

namespace LabelFree.Cli.Commands.Ehr;

/// <summary><c>ehr finetune</c>: BEHRT fine-tuned for the next visit or an outcome, beside BEHRT from scratch and logistic regression (<see cref="BehrtFinetuning"/>).</summary>
public static class EhrFinetuneCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Pre-trained model folder (RUN/model of ehr pretrain)", Required = true };
        var cohort = new CohortOptions();
        var task = new Option<string>("--task") { Description = "next-visit (the next visit's codes) or outcome (--outcome within --horizon-days of --landmark)", Required = true };
        task.OneOf("next-visit", "outcome");
        var outcome = new Option<string?>("--outcome") { Description = "Outcome codes, comma-separated; death means death in the patients table (heart_failure,death)" };
        var horizon = new Option<int>("--horizon-days") { Description = "Horizon after the landmark, in days", DefaultValueFactory = _ => 1826 }.Positive();
        var landmark = CohortOptions.Landmark();
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples of test patients for the confidence intervals", DefaultValueFactory = _ => 1000 }.Positive();
        var run = new RunOptions("Run folder (metrics.json, predictions.tsv, pretrained/, scratch/, figures/)");
        var train = new TrainOptions(BehrtPredictor.DefaultTraining(0));
        var command = new Command("finetune", "Fine-tune BEHRT and score it beside BEHRT from scratch and logistic regression on held-out patients") { model, task, outcome, horizon, landmark, bootstrap };
        cohort.AddTo(command);
        run.AddTo(command);
        train.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var kind = r.GetValue(task) == "outcome" ? BehrtTask.Outcome : BehrtTask.NextVisit;
            var metrics = BehrtFinetuning.Run(new BehrtFinetuneSettings(r.GetValue(model)!, r.GetValue(cohort.Events)!, r.GetValue(cohort.Patients)!, kind,
                flags.ApplyTo(BehrtPredictor.DefaultTraining(settings.Seed)), r.GetValue(outcome), r.GetValue(horizon), r.GetValue(landmark), r.GetValue(bootstrap)),
                settings, flags.Resume, new ConsoleProgress());
            var metric = kind == BehrtTask.Outcome ? "AUROC" : "APS per patient";
            Console.WriteLine($"{metrics.Patients.Test:N0} test patients, {metric}: " + string.Join("; ", metrics.Models.Select(m =>
            {
                var e = kind == BehrtTask.Outcome ? m.Auroc : m.AveragePrecision;
                return $"{m.Model} {e.Value:F3} [{e.Lower:F3}, {e.Upper:F3}]";
            })) + $"; {Path.Combine(settings.Out, "metrics.json")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
