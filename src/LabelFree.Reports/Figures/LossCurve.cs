using LabelFree.Core.Training;

namespace LabelFree.Reports.Figures;

/// <summary>The loss curve of a training run: its metrics.jsonl's training windows and validations, as a PNG.</summary>
public static class LossCurve
{
    /// <summary>Draws RUN/metrics.jsonl into <paramref name="pngPath"/>; the validation line is labelled <paramref name="validationLabel"/>.</summary>
    public static void Save(string runFolder, string pngPath, string title, string yLabel = "loss", string validationLabel = "held out", bool logY = false)
    {
        var lines = MetricsLog.Read(Path.Combine(runFolder, MetricsLog.FileName));
        Series Of(string phase, string label)
        {
            var chosen = lines.Where(l => l.Phase == phase && double.IsFinite(l.Loss)).ToList();
            return new Series(label, chosen.Select(l => (double)l.Step).ToList(), chosen.Select(l => l.Loss).ToList());
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngPath))!);
        LineChart.SavePng(pngPath, title, "step", yLabel, [Of("train", "train"), Of("validation", validationLabel)], logY);
    }
}
