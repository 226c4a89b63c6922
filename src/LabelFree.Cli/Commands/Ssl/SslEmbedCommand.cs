using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Ssl;

namespace LabelFree.Cli.Commands.Ssl;

/// <summary><c>ssl embed</c>: frozen features of images (<see cref="SslEmbedding"/>).</summary>
public static class SslEmbedCommand
{
    public static Command Create()
    {
        var model = SslImageOptions.Model();
        var images = SslImageOptions.Paths("--images", "PNG/JPEG files or folders, or NIfTI volumes (cut into 2-D patches)");
        var side = SslImageOptions.Side("--hemisphere", "the");
        var inputs = new SslImageOptions();
        var run = new RunOptions();
        var command = new Command("embed", "Frozen features of images from a pre-trained encoder: embeddings.tsv and a UMAP") { model, images, side };
        inputs.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var count = SslEmbedding.Run(new SslEmbedSettings(r.GetValue(model)!, inputs.Read(r, r.GetValue(images)!, r.GetValue(side))), settings, new ConsoleProgress());
            Console.WriteLine($"embedded {count} images: {Path.Combine(settings.Out, "embeddings.tsv")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
