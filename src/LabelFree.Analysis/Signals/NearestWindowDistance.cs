using static TorchSharp.torch;

namespace LabelFree.Analysis.Signals;

/// <summary>
/// A discord baseline (Keogh et al. 2005; Wu and Keogh 2021): each sample's score is the Euclidean distance from the
/// window centred on it to the nearest window of the training series, divided by √(window x channels). Training
/// windows start every <see cref="TrainingStride"/> samples; scored windows are centred every
/// <see cref="ScoringStride"/> samples and each sample takes the score of the nearest centre. Distances are exact
/// (blocked matrix products in LibTorch).
/// </summary>
public sealed class NearestWindowDistance
{
    private readonly float[] _reference;   // (windows, window x channels), row-major
    private readonly int _references;

    /// <param name="training">Standardised training channels, [channel][sample].</param>
    public NearestWindowDistance(float[][] training, int window, int trainingStride, int scoringStride)
    {
        if (window < 1 || trainingStride < 1 || scoringStride < 1) throw new ArgumentOutOfRangeException(nameof(window), "window and strides must be positive");
        (Window, TrainingStride, ScoringStride) = (window, trainingStride, scoringStride);
        var n = training[0].Length;
        if (n < window) throw new ArgumentException($"the training series has {n} samples, fewer than one window of {window}");
        var starts = Enumerable.Range(0, (n - window) / trainingStride + 1).Select(i => i * trainingStride).ToArray();
        _references = starts.Length;
        _reference = new float[starts.Length * window * training.Length];
        for (var w = 0; w < starts.Length; w++) Flatten(training, starts[w], window, _reference.AsSpan(w * window * training.Length, window * training.Length));
    }

    public int Window { get; }
    public int TrainingStride { get; }
    public int ScoringStride { get; }

    /// <param name="channels">Standardised channels to score, [channel][sample], as many channels as in training.</param>
    public float[] Score(float[][] channels, int blockRows = 1024)
    {
        var n = channels[0].Length;
        var width = Window * channels.Length;
        if (width * _references != _reference.Length) throw new ArgumentException("the series has another number of channels than the training series");
        var centres = Enumerable.Range(0, (n - 1) / ScoringStride + 1).Select(i => i * ScoringStride).ToArray();
        var distances = new float[centres.Length];
        using (var scope = NewDisposeScope())
        {
            var reference = tensor(_reference, [_references, width]);                      // (M, W·C)
            var referenceNorms = reference.pow(2).sum(1).unsqueeze(0);                        // (1, M)
            for (var first = 0; first < centres.Length; first += blockRows)
            {
                using var block = NewDisposeScope();
                var rows = Math.Min(blockRows, centres.Length - first);
                var queries = new float[rows * width];
                for (var r = 0; r < rows; r++)
                {
                    var start = Math.Clamp(centres[first + r] - Window / 2, 0, Math.Max(0, n - Window));
                    Flatten(channels, start, Window, queries.AsSpan(r * width, width));
                }
                var q = tensor(queries, [rows, width]);                                       // (R, W·C)
                var squared = addmm(referenceNorms, q, reference.t(), beta: 1, alpha: -2)     // (R, M): |r|² - 2 q·r
                    .amin(1) + q.pow(2).sum(1);                                               // (R)
                squared.clamp_min(0).sqrt().div(Math.Sqrt(width)).data<float>().CopyTo(distances.AsSpan(first, rows));
            }
        }
        var scores = new float[n];
        for (var t = 0; t < n; t++) scores[t] = distances[Math.Min(centres.Length - 1, (t + ScoringStride / 2) / ScoringStride)];
        return scores;
    }

    /// <summary>The window at <paramref name="start"/> as time-major values (sample by sample, all channels), zero-padded past the end.</summary>
    private static void Flatten(float[][] channels, int start, int window, Span<float> into)
    {
        into.Clear();
        var n = channels[0].Length;
        for (var t = 0; t < window && start + t < n; t++)
            for (var c = 0; c < channels.Length; c++) into[t * channels.Length + c] = channels[c][start + t];
    }
}
