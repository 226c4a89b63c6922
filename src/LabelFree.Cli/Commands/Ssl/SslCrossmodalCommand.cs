using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Methods.Contig;
using LabelFree.Workflows.Ssl;

namespace LabelFree.Cli.Commands.Ssl;

/// <summary>
/// <c>ssl crossmodal</c>: ContIG-style alignment of images with a second modality (<see cref="SslCrossmodal"/>):
/// Visium tiles with their spots' expression, or images (or NIfTI volumes) with a table of numbers keyed by image name.
/// </summary>
public static class SslCrossmodalCommand
{
    public static Command Create()
    {
        var visium = SslImageOptions.Visium(required: false, tile: false);
        var images = new Option<string[]>("--images") { Description = "PNG/JPEG files or folders, or NIfTI volumes (cut into 2-D patches); with --table", AllowMultipleArgumentsPerToken = true };
        var table = new Option<string?>("--table") { Description = "CSV/TSV: a key column (id, IID or the first) naming each image without its extension, then numeric columns" };
        var inputs = new SslImageOptions();
        var size = new Option<int>("--image-size") { Description = "Side of the image views in pixels", DefaultValueFactory = _ => 32 }.Positive();
        var width = new Option<int>("--width") { Description = "ResNet-18's first-stage channels (64 in the paper)", DefaultValueFactory = _ => 64 }.Positive();
        var run = new RunOptions("Run folder");
        var train = new TrainOptions(Contig.DefaultTraining(SslPretraining.DefaultSteps, 0), TrainFlags.Steps | TrainFlags.BatchSize | TrainFlags.LearningRate | TrainFlags.Resume);
        var command = new Command("crossmodal", "Align images with a second modality of the same samples (ContIG-style), scored by retrieval on held-out samples")
            { images, table, size, width };
        visium.AddTo(command);
        inputs.AddTo(command);
        run.AddTo(command);
        train.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var training = flags.ApplyTo(Contig.DefaultTraining(flags.Steps ?? SslPretraining.DefaultSteps, settings.Seed, flags.BatchSize ?? 128));
            var paths = r.GetValue(images) ?? [];
            var imageInput = paths.Length > 0 ? inputs.Read(r, paths) : null;
            var pairs = new SslCrossmodalSettings(visium.Read(r, r.GetValue(inputs.Tile)), imageInput, r.GetValue(table), visium.HeldOut(r), r.GetValue(size), r.GetValue(width));
            var m = SslCrossmodal.Run(pairs, training, settings, flags.Resume, new ConsoleProgress());
            Console.WriteLine(FormattableString.Invariant($"contig: {m.TestKeys} held-out samples ({m.TestImages} images), top-5 retrieval image -> row {m.Trained.ImageToRowTop5:F3} (random weights {m.RandomInit.ImageToRowTop5:F3}, chance {m.Chance.ImageToRowTop5:F3}), row -> image {m.Trained.RowToImageTop5:F3} ({m.RandomInit.RowToImageTop5:F3}, chance {m.Chance.RowToImageTop5:F3}); {Path.Combine(settings.Out, "metrics.json")}"));
            return CommandLine.Ok;
        });
        return command;
    }
}
