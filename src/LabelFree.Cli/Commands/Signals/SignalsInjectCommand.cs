using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Data.Signals;
using LabelFree.Workflows.Signals;

namespace LabelFree.Cli.Commands.Signals;

/// <summary><c>signals inject</c>: seeded synthetic anomalies with labels in a part of a real signal (<see cref="SignalInjection"/>).</summary>
public static class SignalsInjectCommand
{
    private static readonly Dictionary<string, AnomalyKind> Kinds = new()
    {
        ["global-spike"] = AnomalyKind.GlobalSpike,
        ["contextual-spike"] = AnomalyKind.ContextualSpike,
        ["level-shift"] = AnomalyKind.LevelShift,
        ["frequency"] = AnomalyKind.FrequencyChange,
        ["shape"] = AnomalyKind.Shape,
        ["trend"] = AnomalyKind.Trend,
    };

    public static Command Create()
    {
        var file = new SignalFileOptions();
        var (from, until) = SignalFileOptions.Part(0.5, 1, "to inject into (and write)");
        var count = new Option<int>("--count") { Description = "Anomalies to inject (kinds take turns)", DefaultValueFactory = _ => 18 }.Positive();
        var kinds = new Option<string[]>("--kinds") { Description = $"Kinds: {string.Join(", ", Kinds.Keys)} (default all)", AllowMultipleArgumentsPerToken = true };
        kinds.OneOf([.. Kinds.Keys]);
        var scale = new Option<int>("--scale") { Description = "Length scale in samples (the detector's window)", DefaultValueFactory = _ => 100 }.Positive();
        var run = new RunOptions("Output folder (signal.csv, labels.tsv, figures/injected.png)", device: false, threads: false);
        var command = new Command("inject", "Inject seeded synthetic anomalies with exact labels into a part of a real signal") { from, until, count, kinds, scale };
        file.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var chosen = r.GetValue(kinds) is { Length: > 0 } names ? names.Distinct().Select(n => Kinds[n]).ToArray() : Enum.GetValues<AnomalyKind>();
            var result = SignalInjection.Run(new SignalInjectSettings(file.Read(r), new InjectionOptions { Count = r.GetValue(count), Kinds = chosen, Scale = r.GetValue(scale) },
                r.GetValue(from), r.GetValue(until)), settings);
            Console.WriteLine($"injected {result.Anomalies} anomalies ({result.AnomalousSamples:N0} of {result.Samples:N0} samples): {result.Signal}, {result.Labels}");
            return CommandLine.Ok;
        });
        return command;
    }
}
