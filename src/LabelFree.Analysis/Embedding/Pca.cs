using static TorchSharp.torch;

namespace LabelFree.Analysis.Embedding;

/// <summary>
/// Principal components by the eigen-decomposition of the (features x features) covariance, accumulated over blocks
/// of rows in double precision, so rows arrive in pieces (for example densified from a sparse matrix) and the whole
/// data matrix is never held densely. Suited to up to a few thousand features.
/// </summary>
public static class Pca
{
    /// <summary>Scores (rows, components) of the rows given by <paramref name="block"/>(first, count) -> (count, features) row-major.</summary>
    public static float[,] Scores(int rows, int features, int components, Func<int, int, float[]> block, int blockRows = 2048)
    {
        components = Math.Min(components, Math.Min(features, rows));
        using var scope = NewDisposeScope();
        var sum = zeros(features, dtype: float64);
        var gram = zeros(features, features, dtype: float64);
        for (var first = 0; first < rows; first += blockRows)
        {
            using var inner = NewDisposeScope();
            var count = Math.Min(blockRows, rows - first);
            var x = tensor(block(first, count), [count, features]).to(float64);  // (count, features)
            sum.add_(x.sum(dim: 0));  // (a literal 0 alone would bind to the dtype overload)
            gram.add_(x.t().matmul(x));
        }
        var mean = sum / rows;
        var covariance = (gram - rows * mean.outer(mean)) / Math.Max(1, rows - 1);
        var (_, vectors) = linalg.eigh(covariance);                           // ascending eigenvalues
        var top = vectors.narrow(1, features - components, components).flip(1);  // (features, components), largest first
        // Fix each component's sign (largest absolute loading positive), as scikit-learn's svd_flip does for its own basis.
        var signs = top.gather(0, top.abs().argmax(0).unsqueeze(0)).sign();
        top = top * signs;
        var result = new float[rows, components];
        for (var first = 0; first < rows; first += blockRows)
        {
            using var inner = NewDisposeScope();
            var count = Math.Min(blockRows, rows - first);
            var x = tensor(block(first, count), [count, features]).to(float64);
            var scores = (x - mean).matmul(top).to(float32).contiguous().data<float>().ToArray();  // (count, components)
            Buffer.BlockCopy(scores, 0, result, first * components * sizeof(float), scores.Length * sizeof(float));
        }
        return result;
    }

    /// <summary>
    /// Components fitted on <paramref name="train"/> alone (rows, features), then the scores of <paramref name="train"/>
    /// and of each of <paramref name="others"/> on them: a baseline whose held-out rows never shape the basis.
    /// </summary>
    public static float[][,] FitTransform(float[,] train, int components, params float[][,] others)
    {
        int rows = train.GetLength(0), features = train.GetLength(1);
        components = Math.Min(components, Math.Min(features, rows));
        using var scope = NewDisposeScope();
        var x = Tensor(train).to(float64);                                             // (rows, features)
        var mean = x.mean([0]);
        var centred = x - mean;
        var covariance = centred.t().matmul(centred) / Math.Max(1, rows - 1);
        var (_, vectors) = linalg.eigh(covariance);
        var top = vectors.narrow(1, features - components, components).flip(1);       // (features, components)
        top = top * top.gather(0, top.abs().argmax(0).unsqueeze(0)).sign();
        return [.. new[] { train }.Concat(others).Select(m =>
        {
            var scores = (Tensor(m).to(float64) - mean).matmul(top).to(float32).contiguous().data<float>().ToArray();
            var result = new float[m.GetLength(0), components];
            Buffer.BlockCopy(scores, 0, result, 0, scores.Length * sizeof(float));
            return result;
        })];
    }

    private static Tensor Tensor(float[,] m)
    {
        var flat = new float[m.Length];
        Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof(float));
        return tensor(flat, [m.GetLength(0), m.GetLength(1)]);
    }

    /// <summary>Scores of a dense matrix (rows, features).</summary>
    public static float[,] Scores(float[,] data, int components)
    {
        int rows = data.GetLength(0), features = data.GetLength(1);
        return Scores(rows, features, components, (first, count) =>
        {
            var values = new float[count * features];
            Buffer.BlockCopy(data, first * features * sizeof(float), values, 0, values.Length * sizeof(float));
            return values;
        });
    }
}
