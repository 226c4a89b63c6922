using static TorchSharp.torch;

namespace LabelFree.Analysis.Classification;

/// <summary>
/// The weighted k-nearest-neighbour classifier that DINO (Caron et al. 2021, eval_knn.py) and InstDisc use to score
/// frozen features: features L2-normalised, the k (20) training rows of highest cosine similarity s
/// vote for their class with weight exp(s / temperature) (temperature 0.07); the votes, normalised, are the
/// class probabilities.
/// </summary>
public static class NearestNeighborClassifier
{
    public const int DefaultK = 20;
    public const double DefaultTemperature = 0.07;

    public static double[,] PredictProbabilities(float[,] train, IReadOnlyList<int> labels, int classes, float[,] test, int k = DefaultK, double temperature = DefaultTemperature)
    {
        int n = train.GetLength(0), m = test.GetLength(0), d = train.GetLength(1);
        if (labels.Count != n) throw new ArgumentException($"{n} training rows but {labels.Count} labels", nameof(labels));
        if (test.GetLength(1) != d) throw new ArgumentException($"{test.GetLength(1)} test features, {d} training features", nameof(test));
        k = Math.Min(k, n);
        var result = new double[m, classes];
        using var scope = NewDisposeScope();
        var a = nn.functional.normalize(tensor(Flatten(train), [n, d]), dim: 1);            // (n, d)
        var b = nn.functional.normalize(tensor(Flatten(test), [m, d]), dim: 1);             // (m, d)
        var (similarity, index) = b.matmul(a.t()).topk(k, dim: 1);                          // (m, k)
        var weights = (similarity / temperature).exp().to(float64).data<double>().ToArray();
        var neighbours = index.data<long>().ToArray();
        for (var i = 0; i < m; i++)
        {
            double total = 0;
            for (var j = 0; j < k; j++)
            {
                var w = weights[i * k + j];
                result[i, labels[(int)neighbours[i * k + j]]] += w;
                total += w;
            }
            for (var c = 0; c < classes; c++) result[i, c] /= total;
        }
        return result;
    }

    private static float[] Flatten(float[,] x)
    {
        var flat = new float[x.Length];
        Buffer.BlockCopy(x, 0, flat, 0, x.Length * sizeof(float));
        return flat;
    }
}
