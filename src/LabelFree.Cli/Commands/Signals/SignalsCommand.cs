using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Signals;

namespace LabelFree.Cli.Commands.Signals;

/// <summary><c>labelfree signals train|detect|eval|inject</c>: Anomaly Transformer and MAAT on physiological time series.</summary>
public static class SignalsCommand
{
    public static Command Create() => new("signals", "Physiological time series: Anomaly Transformer and MAAT (Mamba) anomaly detection beside two baselines, scored without point adjustment")
    {
        SignalsTrainCommand.Create(),
        SignalsDetectCommand.Create(),
        SignalsEvalCommand.Create(),
        SignalsInjectCommand.Create(),
    };
}

/// <summary>How a signal file is read: its path, the channels to keep and a sampling rate that overrides the file's.</summary>
internal sealed class SignalFileOptions
{
    public Option<string> Input { get; } = new("--input")
    {
        Description = "Signal table (CSV/TSV, .gz or not): a header, one column per channel, an optional time column in seconds (t, time, time_s...)", Required = true,
    };

    public Option<string[]> Channels { get; } = new("--channels") { Description = "Columns to read as channels (default: every column but time)", AllowMultipleArgumentsPerToken = true };

    public Option<double?> SamplingRate { get; } = new Option<double?>("--sampling-rate") { Description = "Samples per second (default: from the time column)" }.PositiveFinite();

    public void AddTo(Command command)
    {
        command.Options.Add(Input);
        command.Options.Add(Channels);
        command.Options.Add(SamplingRate);
    }

    public SignalSource Read(ParseResult result) =>
        new(result.GetValue(Input)!, result.GetValue(Channels) is { Length: > 0 } channels ? channels : null, result.GetValue(SamplingRate));

    /// <summary>--from and --until: the part of the signal, as fractions of its samples.</summary>
    public static (Option<double> From, Option<double> Until) Part(double from, double until, string what) => (
        new Option<double>("--from") { Description = $"Start of the part {what}, as a fraction of the samples (default {from})", DefaultValueFactory = _ => from },
        new Option<double>("--until") { Description = $"End of the part {what}, as a fraction of the samples (default {until})", DefaultValueFactory = _ => until });
}
