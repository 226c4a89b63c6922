using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LabelFree.Analysis.Gwas;
using LabelFree.Cli.Commands.Gwas;
using LabelFree.Core.Errors;
using LabelFree.Data.Genotypes;

// bench-gwas simulate DIR N M P C SEED | gwas <labelfree gwas options> | compare A_PREFIX B_PREFIX NAMES... | roofline N
try
{
    return args.FirstOrDefault() switch
    {
        "simulate" => Simulate(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture),
            int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture), int.Parse(args[6], CultureInfo.InvariantCulture)),
        "gwas" => new RootCommand { GwasCommand.Create() }.Parse(args).Invoke(),
        "compare" => Compare(args[1], args[2], args[3..]),
        "roofline" => Roofline(int.Parse(args[1], CultureInfo.InvariantCulture)),
        _ => Usage(),
    };
}
catch (UserInputException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: bench-gwas simulate DIR N M P C SEED | gwas ... | compare A B NAME... | roofline N");
    return 2;
}

// N samples, M variants (MAF ~ U(0.05, 0.5), Hardy-Weinberg), P phenotypes = 0.2 x (one of 50 causal variants) +
// covariate effects + N(0,1) noise, C covariates ~ N(0,1). Writes DIR/sim.{bed,bim,fam}, pheno.txt, covar.txt.
static int Simulate(string dir, int n, int m, int p, int c, int seed)
{
    Directory.CreateDirectory(dir);
    var random = new Random(seed);
    var samples = Enumerable.Range(0, n).Select(i => new FamSample($"F{i}", $"S{i}")).ToArray();
    var variants = Enumerable.Range(0, m).Select(j => new BimVariant("1", $"rs{j + 1}", 0, 1000 + 100 * j, "A", "G")).ToArray();
    var causal = Enumerable.Range(0, 50).Select(_ => random.Next(m)).ToHashSet();
    var causalDosage = new Dictionary<int, sbyte[]>();
    BedWriter.Write(Path.Combine(dir, "sim"), samples, variants, Rows());
    IEnumerable<sbyte[]> Rows()
    {
        var row = new sbyte[n];
        for (var j = 0; j < m; j++)
        {
            var maf = 0.05 + 0.45 * random.NextDouble();
            for (var i = 0; i < n; i++) row[i] = (sbyte)((random.NextDouble() < maf ? 1 : 0) + (random.NextDouble() < maf ? 1 : 0));
            if (causal.Contains(j)) causalDosage[j] = (sbyte[])row.Clone();
            yield return row;
        }
    }
    var covariates = new double[c, n];
    for (var k = 0; k < c; k++) for (var i = 0; i < n; i++) covariates[k, i] = Normal(random);
    var causalList = causalDosage.Values.ToArray();
    using (var pheno = new StreamWriter(Path.Combine(dir, "pheno.txt")))
    {
        pheno.WriteLine("#FID\tIID\t" + string.Join('\t', Enumerable.Range(1, p).Select(q => $"P{q}")));
        var effects = Enumerable.Range(0, p).Select(q => (Causal: causalList[q % causalList.Length], Cov: Enumerable.Range(0, c).Select(_ => Normal(random) * 0.3).ToArray())).ToArray();
        for (var i = 0; i < n; i++)
        {
            var values = effects.Select(e => 0.2 * e.Causal[i] + Enumerable.Range(0, c).Sum(k => e.Cov[k] * covariates[k, i]) + Normal(random));
            pheno.WriteLine($"F{i}\tS{i}\t" + string.Join('\t', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
    }
    using (var covar = new StreamWriter(Path.Combine(dir, "covar.txt")))
    {
        covar.WriteLine("#FID\tIID\t" + string.Join('\t', Enumerable.Range(1, c).Select(k => $"C{k}")));
        for (var i = 0; i < n; i++)
            covar.WriteLine($"F{i}\tS{i}\t" + string.Join('\t', Enumerable.Range(0, c).Select(k => covariates[k, i].ToString("R", CultureInfo.InvariantCulture))));
    }
    return 0;
}

static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

// Compares two sets of .glm.linear files: identical text except BETA/SE/T_STAT/A1_FREQ, which may differ by 1e-6
// relative or by one unit in the last of the 6 printed digits (the two tools rounding the same value on either side
// of a boundary), and P, which may differ by 1e-4 in -log10.
static int Compare(string a, string b, string[] names)
{
    var worst = 0.0;
    long rows = 0, identicalLines = 0;
    foreach (var name in names)
    {
        using var ra = new StreamReader($"{a}.{name}.glm.linear");
        using var rb = new StreamReader($"{b}.{name}.glm.linear");
        var header = ra.ReadLine()!.Split('\t');
        if (rb.ReadLine() != string.Join('\t', header)) { Console.WriteLine($"{name}: headers differ"); return 1; }
        string? la, lb;
        while ((la = ra.ReadLine()) is not null & (lb = rb.ReadLine()) is not null)
        {
            rows++;
            if (la == lb) { identicalLines++; continue; }
            var fa = la!.Split('\t');
            var fb = lb!.Split('\t');
            for (var k = 0; k < header.Length; k++)
            {
                if (fa[k] == fb[k]) continue;
                var diff = header[k] switch
                {
                    "BETA" or "SE" or "T_STAT" or "A1_FREQ" => Math.Abs(Parse(fa[k]) - Parse(fb[k]))
                        / Math.Max(1e-6 * Math.Abs(Parse(fb[k])), 1.000001 * Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(Parse(fb[k])))) - 5)),
                    "P" => Math.Abs(Math.Log10(Parse(fa[k])) - Math.Log10(Parse(fb[k]))) / 1e-4,
                    _ => double.PositiveInfinity,
                };
                if (diff > 1) Console.WriteLine($"{name}: {header[k]} {fa[k]} vs {fb[k]} in\n  {la}\n  {lb}");
                worst = Math.Max(worst, diff);
            }
        }
        if (la is not null || lb is not null) { Console.WriteLine($"{name}: different row counts"); return 1; }
    }
    Console.WriteLine($"compare: {rows} rows, {identicalLines} identical lines, worst difference {worst:F3} x tolerance");
    return worst <= 1 ? 0 : 1;
}

static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

// Memory bandwidth (sum over 1 GiB) and the block product's rate on N samples, on the threads the scan would use.
static int Roofline(int n)
{
    var data = new double[1 << 27];
    for (var i = 0; i < data.Length; i++) data[i] = i;
    var clock = Stopwatch.StartNew();
    var total = 0.0;
    for (var rep = 0; rep < 3; rep++) total += VariantRegression.SumOfSquares(data);
    var bandwidth = 3.0 * data.Length * 8 / clock.Elapsed.TotalSeconds;
    const int rows = 256, columns = 192;
    var x = new double[rows * n];
    var z = BlockProduct.Pack(Enumerable.Range(0, columns).Select(j => Enumerable.Range(0, n).Select(i => (double)((i * 31 + j) % 7)).ToArray()).ToArray(), n);
    var cs = new[] { new double[rows * columns], new double[rows * columns] };
    var reps = 8;
    clock.Restart();
    Parallel.For(0, 2, t => { for (var r = 0; r < reps; r++) BlockProduct.Multiply(x, rows, n, n, z, columns / BlockProduct.Width, cs[t]); });
    var flops = 2.0 * 2 * reps * rows * (double)n * columns / clock.Elapsed.TotalSeconds;
    Console.WriteLine(FormattableString.Invariant($"roofline: memory read {bandwidth / 1e9:F1} GB/s (1 thread), block product {flops / 1e9:F1} GFLOP/s (2 threads) (checksum {total:E1})"));
    return 0;
}
