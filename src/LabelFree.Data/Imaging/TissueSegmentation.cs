using LabelFree.Core.Errors;

namespace LabelFree.Data.Imaging;

/// <summary>Settings of <see cref="TissueSegmentation"/>.</summary>
/// <param name="Classes">Tissue classes (3: CSF, grey matter, white matter on a T1 scan).</param>
/// <param name="MrfBeta">Weight of the Potts prior: how much each agreeing neighbour (of 6) raises a class's log-odds.</param>
/// <param name="Iterations">EM iterations (each one mean-field E-step and one M-step).</param>
public sealed record TissueSegmentationOptions(int Classes = 3, double MrfBeta = 0.5, int Iterations = 15)
{
    public TissueSegmentationOptions Validate()
    {
        if (Classes is < 2 or > 8) throw new UserInputException($"segmentation classes: expected 2 to 8, got {Classes}");
        if (MrfBeta < 0) throw new UserInputException($"segmentation mrf_beta: expected zero or more, got {MrfBeta}");
        if (Iterations < 1) throw new UserInputException($"segmentation iterations: expected at least 1, got {Iterations}");
        return this;
    }
}

/// <summary>
/// Brain tissue classification by a Gaussian hidden Markov random field fitted with EM, the model of FSL FAST (Zhang,
/// Brady and Smith, IEEE TMI 2001), which StRegA runs before its VAE: each class has a Gaussian intensity, and a Potts
/// prior over the 6-neighbourhood favours neighbours of the same class. The E-step is a mean-field update (each voxel's
/// class probabilities given its neighbours' current probabilities), the M-step re-estimates means and variances.
/// Initialised by 1-D k-means on the brain's intensities. Labels are 1..K in order of increasing mean intensity, 0
/// outside the mask.
/// <para>Deviation from FAST: no bias-field estimation and no partial-volume (mixel) model; the input is expected to be
/// a normalised skull-stripped scan, and hard labels are what StRegA uses.</para>
/// </summary>
public static class TissueSegmentation
{
    /// <param name="image">Intensities, x fastest, on a grid of <paramref name="shape"/> (x, y, z).</param>
    /// <param name="mask">Brain voxels; only these are classified.</param>
    public static byte[] Segment(float[] image, bool[] mask, int[] shape, TissueSegmentationOptions options)
    {
        options.Validate();
        int k = options.Classes, n = image.Length;
        if (mask.Length != n || shape[0] * shape[1] * shape[2] != n) throw new ArgumentException("image, mask and shape disagree");
        var brain = Enumerable.Range(0, n).Where(i => mask[i]).ToArray();
        if (brain.Length < k) throw new UserInputException($"cannot segment {k} tissue classes from {brain.Length} brain voxels");

        var values = brain.Select(i => (double)image[i]).ToArray();
        var (means, variances) = KMeans1D(values, k);
        var probability = new double[brain.Length * k];      // (voxel, class), row-major
        for (var v = 0; v < brain.Length; v++) Gaussian(values[v], means, variances, probability.AsSpan(v * k, k), field: null, 0);

        var position = new int[n];
        Array.Fill(position, -1);
        for (var v = 0; v < brain.Length; v++) position[brain[v]] = v;
        int sx = shape[0], sy = shape[1], sz = shape[2], plane = sx * sy;
        var next = new double[probability.Length];
        var field = new double[k];
        for (var iteration = 0; iteration < options.Iterations; iteration++)
        {
            // E-step (synchronous mean field): class log-odds from the intensity plus beta times the neighbours' probabilities.
            for (var v = 0; v < brain.Length; v++)
            {
                var i = brain[v];
                int x = i % sx, y = i / sx % sy, z = i / plane;
                Array.Clear(field);
                void Add(int neighbour)
                {
                    var p = position[neighbour];
                    if (p < 0) return;
                    for (var c = 0; c < k; c++) field[c] += probability[p * k + c];
                }
                if (x > 0) Add(i - 1);
                if (x < sx - 1) Add(i + 1);
                if (y > 0) Add(i - sx);
                if (y < sy - 1) Add(i + sx);
                if (z > 0) Add(i - plane);
                if (z < sz - 1) Add(i + plane);
                Gaussian(values[v], means, variances, next.AsSpan(v * k, k), field, options.MrfBeta);
            }
            (probability, next) = (next, probability);

            // M-step.
            for (var c = 0; c < k; c++)
            {
                double weight = 0, sum = 0;
                for (var v = 0; v < brain.Length; v++) { weight += probability[v * k + c]; sum += probability[v * k + c] * values[v]; }
                if (weight < 1e-9) continue;
                means[c] = sum / weight;
                double squares = 0;
                for (var v = 0; v < brain.Length; v++) squares += probability[v * k + c] * (values[v] - means[c]) * (values[v] - means[c]);
                variances[c] = Math.Max(squares / weight, 1e-6);
            }
        }

        var order = Enumerable.Range(0, k).OrderBy(c => means[c]).ToArray();
        var rank = new int[k];
        for (var r = 0; r < k; r++) rank[order[r]] = r;
        var labels = new byte[n];
        for (var v = 0; v < brain.Length; v++)
        {
            var best = 0;
            for (var c = 1; c < k; c++) if (probability[v * k + c] > probability[v * k + best]) best = c;
            labels[brain[v]] = (byte)(rank[best] + 1);
        }
        return labels;
    }

    /// <summary>Normalised class probabilities of one voxel: Gaussian likelihood times exp(beta * field).</summary>
    private static void Gaussian(double value, double[] means, double[] variances, Span<double> into, double[]? field, double beta)
    {
        var max = double.NegativeInfinity;
        for (var c = 0; c < into.Length; c++)
        {
            var d = value - means[c];
            into[c] = -0.5 * (d * d / variances[c] + Math.Log(variances[c])) + (field is null ? 0 : beta * field[c]);
            max = Math.Max(max, into[c]);
        }
        double total = 0;
        for (var c = 0; c < into.Length; c++) total += into[c] = Math.Exp(into[c] - max);
        for (var c = 0; c < into.Length; c++) into[c] /= total;
    }

    /// <summary>Lloyd's k-means on sorted 1-D values, started at evenly spaced quantiles; returns class means and variances.</summary>
    private static (double[] Means, double[] Variances) KMeans1D(double[] values, int k)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var means = Enumerable.Range(0, k).Select(c => sorted[(int)((c + 0.5) / k * (sorted.Length - 1))]).ToArray();
        var assignment = new int[sorted.Length];
        for (var iteration = 0; iteration < 50; iteration++)
        {
            for (var i = 0; i < sorted.Length; i++)
            {
                var best = 0;
                for (var c = 1; c < k; c++) if (Math.Abs(sorted[i] - means[c]) < Math.Abs(sorted[i] - means[best])) best = c;
                assignment[i] = best;
            }
            var changed = false;
            for (var c = 0; c < k; c++)
            {
                var members = Enumerable.Range(0, sorted.Length).Where(i => assignment[i] == c).ToArray();
                if (members.Length == 0) continue;
                var mean = members.Average(i => sorted[i]);
                changed |= Math.Abs(mean - means[c]) > 1e-9;
                means[c] = mean;
            }
            if (!changed) break;
        }
        var variances = new double[k];
        for (var c = 0; c < k; c++)
        {
            var members = Enumerable.Range(0, sorted.Length).Where(i => assignment[i] == c).Select(i => sorted[i]).ToArray();
            var spread = members.Length > 1 ? members.Sum(v => (v - means[c]) * (v - means[c])) / members.Length : 0;
            variances[c] = Math.Max(spread, 1e-4);
        }
        return (means, variances);
    }
}
