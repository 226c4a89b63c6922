using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Nn;
using LabelFree.Workflows.Ssl;

namespace LabelFree.Cli.Commands.Ssl;

/// <summary><c>ssl pretrain</c>: SimCLR, MICLe or DINO on images or NIfTI patches (<see cref="SslPretraining"/>).</summary>
public static class SslPretrainCommand
{
    public static Command Create()
    {
        var images = SslImageOptions.Paths("--images", "PNG/JPEG files or folders, or NIfTI volumes (cut into 2-D patches)");
        var inputs = new SslImageOptions();
        var side = SslImageOptions.Side("--hemisphere", "training");
        var method = Flags.Choice("--method", "simclr, micle (positives from images sharing a group key) or dino", SslMethod.Simclr);
        var encoder = new Option<string?>("--encoder") { Description = "resnet18 (default for simclr/micle) or vittiny / vitsmall (default vittiny for dino)" }
            .OneOf("resnet18", "vittiny", "vitsmall");
        var size = new Option<int>("--image-size") { Description = "Side of the training views in pixels", DefaultValueFactory = _ => 32 }.Positive();
        var width = new Option<int>("--width") { Description = "ResNet's first-stage channels (64 in the paper)", DefaultValueFactory = _ => 64 }.Positive();
        var layers = new Option<int?>("--layers") { Description = "ViT depth (12 in the presets)" }.Positive();
        var patchSize = new Option<int>("--vit-patch") { Description = "ViT pixels per patch", DefaultValueFactory = _ => 4 }.Positive().Sets("patch_size");
        var prototypes = new Option<int>("--prototypes") { Description = "DINO's output dimension (65,536 in the paper)", DefaultValueFactory = _ => 65_536 }.Positive().Sets("out_dimension");
        var local = new Option<int>("--local-crops") { Description = "DINO's local crops", DefaultValueFactory = _ => 8 }.NonNegative();
        var run = new RunOptions("Run folder");
        var train = new TrainOptions(SslPretraining.DefaultTraining(new SslPretrainSettings(new SslImageInput([])), SslPretraining.DefaultSteps, 0),
            TrainFlags.Steps | TrainFlags.BatchSize | TrainFlags.LearningRate | TrainFlags.Resume, learningRateNote: "SimCLR: LARS 0.075 x sqrt(batch); DINO: AdamW 0.0005 x batch / 256");
        var command = new Command("pretrain", "Pre-train an image encoder without labels (SimCLR, MICLe, DINO)") { images, side, method, encoder, size, width, layers, patchSize, prototypes, local };
        inputs.AddTo(command);
        run.AddTo(command);
        train.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var kind = r.GetValue(encoder) switch { "resnet18" => ImageEncoderKind.ResNet18, "vittiny" => ImageEncoderKind.VitTiny, "vitsmall" => ImageEncoderKind.VitSmall, _ => (ImageEncoderKind?)null };
            var pretrain = new SslPretrainSettings(inputs.Read(r, r.GetValue(images)!, r.GetValue(side)), r.GetValue(method), kind, r.GetValue(size), r.GetValue(width),
                r.GetValue(layers), r.GetValue(patchSize), r.GetValue(prototypes), r.GetValue(local));
            var training = flags.ApplyTo(SslPretraining.DefaultTraining(pretrain, flags.Steps ?? SslPretraining.DefaultSteps, settings.Seed, flags.BatchSize));
            var summary = SslPretraining.Run(pretrain, training, settings, flags.Resume, new ConsoleProgress());
            Console.WriteLine($"{summary.Method}: {summary.Images} images, {summary.Steps} steps in {summary.Seconds:F0} s ({summary.ImagesPerSecond:F1} images/s), final loss {summary.FinalLoss:G4}; model: {summary.Model}");
            return CommandLine.Ok;
        });
        return command;
    }
}
