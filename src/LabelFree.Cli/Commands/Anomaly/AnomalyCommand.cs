using System.CommandLine;

namespace LabelFree.Cli.Commands.Anomaly;

/// <summary><c>labelfree anomaly train|detect|eval</c>: brain-MRI anomaly detection trained on healthy scans only (StRegA).</summary>
public static class AnomalyCommand
{
    public static Command Create() => new("anomaly", "Brain-MRI anomaly detection without labels (StRegA, SCAD) and a benchmark")
    {
        AnomalyTrainCommand.Create(),
        AnomalyDetectCommand.Create(),
        AnomalyEvalCommand.Create(),
        AnomalySynthesizeCommand.Create(),
        AnomalyBenchmarkCommand.Create(),
    };
}
