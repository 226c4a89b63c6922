using LabelFree.Analysis.Metrics;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;

namespace LabelFree.Workflows.Anomaly;

/// <summary>One method's scores on one lesion kind of one test scan (or of all kinds: <see cref="Kind"/> "all").</summary>
/// <param name="DetectionRate">Lesions (connected components of the kind) with at least <see cref="BenchmarkScoring.DetectedFraction"/> of their voxels above the threshold, over all lesions.</param>
public sealed record KindScores(string Kind, int Lesions, double DetectionRate, double Auroc, double AveragePrecision);

/// <summary>One method's scores on one test scan with one signing: Dice of the thresholded map, AUROC and AP of the map, per kind.</summary>
public sealed record BenchmarkCase(string TestSet, string Scan, string Method, string Sign, double Threshold, double Dice, double Auroc, double AveragePrecision,
    double DetectionRate, IReadOnlyList<KindScores> Kinds);

/// <summary>
/// The benchmark's scoring, voxel-wise inside the brain on the shared working grid: a map signed one way or two
/// (<see cref="Apply"/>), the threshold at a fixed false-positive rate on healthy validation maps
/// (<see cref="ThresholdAt"/>), then Dice, AUROC, AP and per-lesion detection rate, overall and per lesion kind.
/// </summary>
public static class BenchmarkScoring
{
    /// <summary>A lesion counts as detected when at least this fraction of its voxels lie above the threshold (LabelFree's choice).</summary>
    public const double DetectedFraction = 0.1;

    /// <summary>The map as scored: one-signed keeps the positive (darker-than-expected) part, two-signed the absolute value.</summary>
    public static float[] Apply(float[] map, ResidualSign sign) =>
        sign == ResidualSign.Absolute ? map.Select(Math.Abs).ToArray() : map.Select(v => Math.Max(v, 0f)).ToArray();

    /// <summary>The short name of a signing in tables: "one" (negatives to 0) or "two" (absolute value).</summary>
    public static string Name(ResidualSign sign) => sign == ResidualSign.Absolute ? "two" : "one";

    /// <summary>
    /// The smallest threshold that flags at most <paramref name="falsePositiveRate"/> of the healthy brain voxels of
    /// <paramref name="healthy"/> (maps with their brain masks): Bercea et al.'s protocol of fixing thresholds on healthy data.
    /// </summary>
    public static double ThresholdAt(IEnumerable<(float[] Map, bool[] Brain)> healthy, double falsePositiveRate)
    {
        var values = healthy.SelectMany(h => h.Map.Where((_, i) => h.Brain[i])).ToArray();
        if (values.Length == 0) return double.PositiveInfinity;
        Array.Sort(values);
        var index = (int)Math.Floor((1 - falsePositiveRate) * (values.Length - 1));
        return values[Math.Clamp(index, 0, values.Length - 1)];
    }

    /// <summary>Scores a map against lesion kind labels (0 healthy, <see cref="LesionKind"/> values) on one grid of <paramref name="shape"/>.</summary>
    public static BenchmarkCase Score(string testSet, string scan, string method, ResidualSign sign, float[] map, bool[] brain, byte[] kinds, int[] shape, double threshold)
    {
        var inside = Enumerable.Range(0, brain.Length).Where(i => brain[i]).ToArray();
        var flagged = map.Select((v, i) => brain[i] && v > threshold).ToArray();
        var lesion = kinds.Select((k, i) => brain[i] && k > 0).ToArray();
        var components = Components(kinds, brain, shape);
        var all = Kind("all", inside, map, lesion, _ => true, flagged, components);
        var perKind = kinds.Where((k, i) => brain[i] && k > 0).Distinct().Order()
            .Select(k => Kind(((LesionKind)k).ToString().ToLowerInvariant(), inside.Where(i => kinds[i] == 0 || kinds[i] == k).ToArray(), map, lesion,
                c => c.Kind == k, flagged, components))
            .ToList();
        return new BenchmarkCase(testSet, scan, method, Name(sign), threshold, SegmentationMetrics.Dice(flagged, lesion), all.Auroc, all.AveragePrecision,
            all.DetectionRate, perKind);
    }

    private static KindScores Kind(string name, int[] voxels, float[] map, bool[] lesion, Func<Component, bool> include, bool[] flagged, IReadOnlyList<Component> components)
    {
        var scores = voxels.Select(i => map[i]).ToArray();
        var labels = voxels.Select(i => lesion[i]).ToArray();
        var chosen = components.Where(include).ToList();
        var detected = chosen.Count(c => c.Voxels.Count(v => flagged[v]) >= DetectedFraction * c.Voxels.Count);
        return new KindScores(name, chosen.Count, chosen.Count == 0 ? double.NaN : (double)detected / chosen.Count,
            SegmentationMetrics.Auroc(scores, labels), SegmentationMetrics.AveragePrecision(scores, labels));
    }

    private sealed record Component(byte Kind, List<int> Voxels);

    /// <summary>The lesions: 6-connected components of voxels of one kind, inside the brain.</summary>
    private static List<Component> Components(byte[] kinds, bool[] brain, int[] shape)
    {
        int sx = shape[0], sy = shape[1], sz = shape[2], plane = sx * sy;
        var seen = new bool[kinds.Length];
        var result = new List<Component>();
        var queue = new Queue<int>();
        for (var start = 0; start < kinds.Length; start++)
        {
            if (seen[start] || kinds[start] == 0 || !brain[start]) continue;
            var kind = kinds[start];
            var voxels = new List<int>();
            seen[start] = true;
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                var i = queue.Dequeue();
                voxels.Add(i);
                int x = i % sx, y = i / sx % sy, z = i / plane;
                void Visit(int j)
                {
                    if (seen[j] || kinds[j] != kind || !brain[j]) return;
                    seen[j] = true;
                    queue.Enqueue(j);
                }
                if (x > 0) Visit(i - 1);
                if (x < sx - 1) Visit(i + 1);
                if (y > 0) Visit(i - sx);
                if (y < sy - 1) Visit(i + sx);
                if (z > 0) Visit(i - plane);
                if (z < sz - 1) Visit(i + plane);
            }
            result.Add(new Component(kind, voxels));
        }
        return result;
    }
}
