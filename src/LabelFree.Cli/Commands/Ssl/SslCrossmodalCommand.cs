using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Methods.Contig;
using LabelFree.Workflows.Ssl;

namespace LabelFree.Cli.Commands.Ssl;

/// <summary><c>ssl crossmodal</c>: ContIG-style alignment of Visium tiles with their spots' expression (<see cref="SslCrossmodal"/>).</summary>
public static class SslCrossmodalCommand
{
    public static Command Create()
    {
        var visium = SslImageOptions.Visium();
        var size = new Option<int>("--image-size") { Description = "Side of the image views in pixels", DefaultValueFactory = _ => 32 }.Positive();
        var width = new Option<int>("--width") { Description = "ResNet-18's first-stage channels (64 in the paper)", DefaultValueFactory = _ => 64 }.Positive();
        var run = new RunOptions("Run folder");
        var train = new TrainOptions(Contig.DefaultTraining(SslPretraining.DefaultSteps, 0), TrainFlags.Steps | TrainFlags.BatchSize | TrainFlags.LearningRate | TrainFlags.Resume);
        var command = new Command("crossmodal", "Align Visium tiles with their spots' expression (ContIG-style), scored by retrieval on held-out blocks") { size, width };
        visium.AddTo(command);
        run.AddTo(command);
        train.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var training = flags.ApplyTo(Contig.DefaultTraining(flags.Steps ?? SslPretraining.DefaultSteps, settings.Seed, flags.BatchSize ?? 128));
            var m = SslCrossmodal.Run(new SslCrossmodalSettings(visium.Read(r), r.GetValue(size), r.GetValue(width)), training, settings, flags.Resume, new ConsoleProgress());
            Console.WriteLine(FormattableString.Invariant($"contig: {m.TestSpots} held-out spots, top-5 retrieval tile -> expression {m.Trained.ImageToRowTop5:F3} (random weights {m.RandomInit.ImageToRowTop5:F3}, chance {m.ChanceTop5:F3}), expression -> tile {m.Trained.RowToImageTop5:F3} ({m.RandomInit.RowToImageTop5:F3}); {Path.Combine(settings.Out, "metrics.json")}"));
            return CommandLine.Ok;
        });
        return command;
    }
}
