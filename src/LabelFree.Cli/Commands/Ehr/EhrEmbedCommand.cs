using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Data.Ehr;
using LabelFree.Workflows.Ehr;

namespace LabelFree.Cli.Commands.Ehr;

/// <summary><c>ehr embed</c>: patient embeddings, subtypes, their survival curves and over-represented codes (<see cref="BehrtEmbedding"/>).</summary>
public static class EhrEmbedCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Pre-trained model folder (RUN/model of ehr pretrain)", Required = true };
        var cohort = new CohortOptions();
        var landmark = CohortOptions.Landmark();
        var outcome = new Option<string>("--outcome") { Description = "Outcome whose survival the subtypes are compared on (codes and/or death)", DefaultValueFactory = _ => OutcomeDefinition.DeathName };
        var clusters = new Option<int>("--clusters") { Description = "k-means subtypes", DefaultValueFactory = _ => 4 }.Positive();
        var resolution = new Option<double>("--resolution") { Description = "Leiden resolution", DefaultValueFactory = _ => 1.0 }.PositiveFinite();
        var split = new Option<string>("--split") { Description = "Which patients of the model's seeded split: all, train, validation or test", DefaultValueFactory = _ => "all" };
        split.OneOf("all", "train", "validation", "test");
        var run = new RunOptions("Output folder (embeddings.tsv, clusters.tsv, subtype_codes.tsv, survival.json, figures/)");
        var command = new Command("embed", "Embed patients with a pre-trained BEHRT, cluster them into subtypes and compare the subtypes' survival") { model, landmark, outcome, clusters, resolution, split };
        cohort.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            SplitPart? part = r.GetValue(split) switch { "train" => SplitPart.Train, "validation" => SplitPart.Validation, "test" => SplitPart.Test, _ => null };
            var summary = BehrtEmbedding.Run(new BehrtEmbedSettings(r.GetValue(model)!, r.GetValue(cohort.Events)!, r.GetValue(cohort.Patients)!, r.GetValue(landmark),
                r.GetValue(outcome)!, r.GetValue(clusters), r.GetValue(resolution), part), settings, new ConsoleProgress());
            Console.WriteLine($"embedded {summary.Patients:N0} patients: {summary.Subtypes.Count} subtypes ({summary.LeidenClusters} Leiden clusters); " +
                              $"{summary.Outcome} after {summary.Landmark} differs by subtype: log-rank chi2 {summary.KmeansLogRank.ChiSquare:F1} on {summary.KmeansLogRank.DegreesOfFreedom} df, P = {summary.KmeansLogRank.P:G3}; outputs in {settings.Out}");
            return CommandLine.Ok;
        });
        return command;
    }
}
