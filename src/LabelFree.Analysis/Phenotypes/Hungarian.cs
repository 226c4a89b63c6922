namespace LabelFree.Analysis.Phenotypes;

/// <summary>
/// The Hungarian algorithm (Kuhn-Munkres, the O(n³) shortest-augmenting-path form with row and column potentials):
/// the assignment of rows to columns of a square cost matrix with the least total cost.
/// </summary>
public static class Hungarian
{
    /// <summary>For each row of the n x n <paramref name="cost"/>, its column in an assignment of least total cost.</summary>
    public static int[] Solve(double[,] cost)
    {
        var n = cost.GetLength(0);
        if (cost.GetLength(1) != n) throw new ArgumentException($"the cost matrix must be square, got {n} x {cost.GetLength(1)}", nameof(cost));
        foreach (var c in cost)
            if (!double.IsFinite(c)) throw new ArgumentException("the cost matrix has a value that is not finite", nameof(cost));
        // 1-based arrays; column 0 is the virtual start of each augmenting path.
        var u = new double[n + 1];
        var v = new double[n + 1];
        var rowOfColumn = new int[n + 1];
        var way = new int[n + 1];
        for (var row = 1; row <= n; row++)
        {
            rowOfColumn[0] = row;
            var column0 = 0;
            var minimum = new double[n + 1];
            var used = new bool[n + 1];
            Array.Fill(minimum, double.PositiveInfinity);
            do
            {
                used[column0] = true;
                var row0 = rowOfColumn[column0];
                var delta = double.PositiveInfinity;
                var column1 = 0;
                for (var j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    var reduced = cost[row0 - 1, j - 1] - u[row0] - v[j];
                    if (reduced < minimum[j])
                    {
                        minimum[j] = reduced;
                        way[j] = column0;
                    }
                    if (minimum[j] < delta)
                    {
                        delta = minimum[j];
                        column1 = j;
                    }
                }
                for (var j = 0; j <= n; j++)
                {
                    if (used[j])
                    {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    }
                    else minimum[j] -= delta;
                }
                column0 = column1;
            }
            while (rowOfColumn[column0] != 0);
            do
            {
                var column1 = way[column0];
                rowOfColumn[column0] = rowOfColumn[column1];
                column0 = column1;
            }
            while (column0 != 0);
        }
        var assignment = new int[n];
        for (var j = 1; j <= n; j++) assignment[rowOfColumn[j] - 1] = j - 1;
        return assignment;
    }
}
