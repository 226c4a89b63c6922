using System.Text.Json;
using System.Text.Json.Nodes;
using LabelFree.Core.IO;

namespace LabelFree.Core.Training;

/// <summary>
/// One line of metrics.jsonl: a training window (mean loss since the previous line) or a validation (its loss, NaN when
/// there is no validation data, and the method's own <see cref="Metrics"/> such as kNN accuracy).
/// </summary>
public sealed record MetricsLine(
    long Step,
    int Epoch,
    string Phase,
    double Loss,
    IReadOnlyDictionary<string, double> Terms,
    double? LearningRate = null,
    double? GradNorm = null,
    double? StepsPerSecond = null,
    IReadOnlyDictionary<string, double>? Metrics = null);

/// <summary>Appends <see cref="MetricsLine"/>s to RUN/metrics.jsonl, one JSON object per line, flushed at once.</summary>
public sealed class MetricsLog : IDisposable
{
    public const string FileName = "metrics.jsonl";
    private readonly StreamWriter _writer;

    /// <summary>Opens the log; when resuming at <paramref name="keepUpToStep"/>, later lines (from the killed run) are dropped.</summary>
    public MetricsLog(string runFolder, long? keepUpToStep)
    {
        Directory.CreateDirectory(runFolder);
        Path = System.IO.Path.Combine(runFolder, FileName);
        if (keepUpToStep is { } step && File.Exists(Path))
        {
            var kept = File.ReadLines(Path).Where(line => StepOf(line) is { } s && s <= step).ToList();
            AtomicFile.WriteAllText(Path, kept.Count == 0 ? "" : string.Join('\n', kept) + "\n");
        }
        else if (File.Exists(Path))
        {
            File.Delete(Path);
        }
        _writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    public string Path { get; }

    public void Write(MetricsLine line)
    {
        _writer.WriteLine(JsonSerializer.Serialize(line, Json.Compact));
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>Reads every line of a metrics file.</summary>
    public static List<MetricsLine> Read(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<MetricsLine>(l, Json.Compact)!).ToList();

    private static long? StepOf(string line)
    {
        try
        {
            return JsonNode.Parse(line)?["step"]?.GetValue<long>();
        }
        catch (JsonException)
        {
            return null;  // a line cut short by a kill
        }
    }
}
