using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;

namespace LabelFree.Data.SingleCell.Simulation;

/// <summary>
/// Settings of <see cref="CountSimulator"/>. The defaults follow Splatter's (Zappia et al., Genome Biology 2017)
/// parameters where they exist: gene means Gamma(0.6, rate 0.3), library sizes log-normal (location 11, scale 0.2)
/// rescaled here to <see cref="LibraryLogMean"/>, differential expression of a tenth of the genes per cell type with
/// log-normal factors, batch effects as a log-normal factor per gene and batch.
/// </summary>
public sealed record SimulationOptions
{
    public int Cells { get; init; } = 2000;
    public int Genes { get; init; } = 500;
    public int CellTypes { get; init; } = 5;
    public int Batches { get; init; } = 2;
    public double GeneMeanShape { get; init; } = 0.6;
    public double GeneMeanRate { get; init; } = 0.3;
    public double LibraryLogMean { get; init; } = 7.6;
    public double LibraryLogSd { get; init; } = 0.3;
    public double DeProbability { get; init; } = 0.1;
    public double DeLogMean { get; init; } = 0.6;
    public double DeLogSd { get; init; } = 0.3;
    public double BatchLogSd { get; init; } = 0.5;
    public double Theta { get; init; } = 5;

    public SimulationOptions Validate()
    {
        if (Cells < 1 || Genes < 2 || CellTypes < 1 || Batches < 1) throw new UserInputException($"simulation: expected cells >= 1, genes >= 2, cell types >= 1, batches >= 1, got {Cells}, {Genes}, {CellTypes}, {Batches}");
        if (Theta <= 0 || DeProbability is < 0 or > 1) throw new UserInputException("simulation: expected theta > 0 and a DE probability in [0, 1]");
        return this;
    }
}

/// <summary>
/// A seeded, Splatter-like simulator of raw UMI counts with known cell types and batch effects: each gene has a base
/// mean; each cell type scales a random tenth of the genes up or down; each batch scales every gene by its own factor;
/// each cell has a library size; counts are negative binomial (gamma-Poisson) around the cell's normalised means times
/// its library size. obs holds <c>cell_type</c> and <c>batch</c>. Cells are drawn in parallel from per-cell random
/// streams, so the result depends only on the seed and options.
/// </summary>
public static class CountSimulator
{
    public static CellData Simulate(SimulationOptions options, long seed)
    {
        options.Validate();
        var genes = options.Genes;
        var rng = Rng.For(seed, "sim-genes");
        var baseMean = new double[genes];
        for (var g = 0; g < genes; g++) baseMean[g] = Distributions.Gamma(rng, options.GeneMeanShape, 1 / options.GeneMeanRate);
        var typeFactor = Factors(rng, options.CellTypes, genes, g => g.NextDouble() < options.DeProbability
            ? Math.Exp(options.DeLogMean + options.DeLogSd * g.NextGaussian()) is var f && g.NextDouble() < 0.5 ? f : 1 / f
            : 1);
        var batchFactor = Factors(rng, options.Batches, genes, g => Math.Exp(options.BatchLogSd * g.NextGaussian()));

        // Normalised mean profile per (type, batch): proportions over genes.
        var profile = new double[options.CellTypes * options.Batches][];
        for (var t = 0; t < options.CellTypes; t++)
            for (var b = 0; b < options.Batches; b++)
            {
                var p = new double[genes];
                for (var g = 0; g < genes; g++) p[g] = baseMean[g] * typeFactor[t][g] * batchFactor[b][g];
                var sum = p.Sum();
                for (var g = 0; g < genes; g++) p[g] /= sum;
                profile[t * options.Batches + b] = p;
            }
        var typeWeights = Enumerable.Range(0, options.CellTypes).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        var typeTotal = typeWeights.Sum();

        var type = new int[options.Cells];
        var batch = new int[options.Cells];
        var rowCols = new int[options.Cells][];
        var rowVals = new float[options.Cells][];
        Parallel.For(0, options.Cells, i =>
        {
            var cell = Rng.For(seed, "sim-cell", i);
            var u = cell.NextDouble() * typeTotal;
            var t = 0;
            while (t < options.CellTypes - 1 && (u -= typeWeights[t]) > 0) t++;
            var b = cell.NextInt(options.Batches);
            var library = Math.Exp(options.LibraryLogMean + options.LibraryLogSd * cell.NextGaussian());
            var p = profile[t * options.Batches + b];
            var cols = new List<int>();
            var vals = new List<float>();
            for (var g = 0; g < genes; g++)
            {
                var count = Distributions.NegativeBinomial(cell, library * p[g], options.Theta);
                if (count == 0) continue;
                cols.Add(g);
                vals.Add(count);
            }
            type[i] = t;
            batch[i] = b;
            rowCols[i] = [.. cols];
            rowVals[i] = [.. vals];
        });

        var start = new long[options.Cells + 1];
        for (var i = 0; i < options.Cells; i++) start[i + 1] = start[i] + rowCols[i].Length;
        var allCols = new int[start[^1]];
        var allVals = new float[start[^1]];
        for (var i = 0; i < options.Cells; i++)
        {
            rowCols[i].CopyTo(allCols, start[i]);
            rowVals[i].CopyTo(allVals, start[i]);
        }
        var counts = new SparseCounts(options.Cells, genes, start, allCols, allVals);
        var names = Enumerable.Range(0, genes).Select(g => "gene" + (g + 1).ToString(CultureInfo.InvariantCulture)).ToArray();
        var obs = new Dictionary<string, string[]>
        {
            ["cell_type"] = type.Select(t => "type" + (t + 1).ToString(CultureInfo.InvariantCulture)).ToArray(),
            ["batch"] = batch.Select(b => "batch" + (b + 1).ToString(CultureInfo.InvariantCulture)).ToArray(),
        };
        var cellNames = Enumerable.Range(0, options.Cells).Select(i => "cell" + (i + 1).ToString(CultureInfo.InvariantCulture)).ToArray();
        return new CellData(counts, cellNames, names, names, obs);
    }

    private static double[][] Factors(Rng rng, int groups, int genes, Func<Rng, double> draw) =>
        Enumerable.Range(0, groups).Select(_ => Enumerable.Range(0, genes).Select(_ => draw(rng)).ToArray()).ToArray();
}
