using System.CommandLine;

namespace LabelFree.Cli.Commands.Ssl;

/// <summary><c>labelfree ssl pretrain|embed|probe|expression|crossmodal</c>: self-supervised image representations.</summary>
public static class SslCommand
{
    public static Command Create() => new("ssl", "Self-supervised image representations (SimCLR, MICLe, DINO), frozen-feature probes, RNAPath-style expression, ContIG-style cross-modal")
    {
        SslPretrainCommand.Create(),
        SslEmbedCommand.Create(),
        SslProbeCommand.Create(),
        SslExpressionCommand.Create(),
        SslCrossmodalCommand.Create(),
    };
}
