using System.Globalization;
using System.Text;
using LabelFree.Analysis.Gwas;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Randomness;
using LabelFree.Data.Genotypes;
using LabelFree.Data.Imaging;

namespace LabelFree.Workflows.Phenotypes;

/// <summary>A regional size under genetic control: a smooth expansion of the brain around <see cref="Center"/> (MNI mm) within about <see cref="RadiusMm"/>.</summary>
public sealed record ShapeRegion(string Name, double[] Center, double RadiusMm, double VarianceExplained);

/// <summary>
/// How to simulate a cohort: real genotypes (<see cref="Bfile"/>), a skull-stripped template brain deformed per person,
/// the regions whose size one causal SNP each controls (with the share of the region size's variance that SNP
/// explains), the working grid, and the non-genetic variation (age, sex, other regions, voxel noise).
/// </summary>
public sealed record BrainSimulationSettings(string Bfile, string Brain)
{
    /// <summary>The lateral ventricles, the cerebellum and the left temporal lobe, with large, medium and small SNP effects.</summary>
    public IReadOnlyList<ShapeRegion> Regions { get; init; } =
    [
        new("ventricles", [0, -8, 16], 22, 0.40),
        new("cerebellum", [0, -62, -32], 20, 0.25),
        new("left_temporal", [-46, -20, -14], 20, 0.10),
    ];

    /// <summary>Grid voxels per side and spacing (mm) of the simulated volumes, centred on the template's brain.</summary>
    public int Grid { get; init; } = VolumeGrid.DefaultSize;
    public double SpacingMm { get; init; } = VolumeGrid.DefaultSpacingMm;

    /// <summary>Relative displacement per standard deviation of a region's size (0.2: the region grows about 20% per SD near its centre).</summary>
    public double Amplitude { get; init; } = 0.2;
    public double MinorAlleleFrequency { get; init; } = 0.25;

    /// <summary>Causal SNPs lie at least this far apart (so each planted locus is separate).</summary>
    public int MinDistanceBp { get; init; } = 5_000_000;
    public double NoiseSd { get; init; } = 0.05;

    /// <summary>The same regions with these variances explained, in order (fewer values: the first regions only).</summary>
    public BrainSimulationSettings WithEffects(IReadOnlyList<double> effects)
    {
        if (effects.Count > Regions.Count) throw new SettingException("effects", $"expected at most {Regions.Count} values, one per region, got {effects.Count}");
        return this with { Regions = Regions.Take(effects.Count).Select((r, i) => r with { VarianceExplained = effects[i] }).ToArray() };
    }

    public BrainSimulationSettings Validate()
    {
        if (Regions.Count == 0) throw new SettingException("regions", "expected at least one region");
        foreach (var r in Regions)
            if (r.VarianceExplained is < 0 or > 0.9 || r.RadiusMm <= 0 || r.Center.Length != 3)
                throw new SettingException("regions", $"region {r.Name}: expected a variance explained in [0, 0.9], a positive radius and a 3-D centre");
        if (Grid is < 8 or > 128) throw new SettingException("grid", $"expected 8 to 128 voxels per side, got {Grid}");
        if (SpacingMm is <= 0 or > 30) throw new SettingException("spacing", $"expected a spacing in (0, 30] mm, got {SpacingMm}");
        if (Amplitude is < 0 or > 1) throw new SettingException("amplitude", $"expected a number in [0, 1], got {Amplitude}");
        if (MinorAlleleFrequency is <= 0 or >= 0.5) throw new SettingException("min_maf", $"expected a frequency in (0, 0.5), got {MinorAlleleFrequency}");
        if (NoiseSd < 0) throw new SettingException("noise", $"expected zero or more, got {NoiseSd}");
        return this;
    }
}

/// <summary>A planted causal SNP: its region, position and the effect it was given.</summary>
public sealed record CausalSnp(string Region, string Chrom, int Position, string Id, double Frequency, double VarianceExplained);

/// <summary>
/// A simulated cohort: per person (in .fam order) a volume on <see cref="Shape"/> (<see cref="GridAffine"/> voxel to
/// MNI mm), each region's true size parameter, the hand-crafted brain volume (mL), age and sex, and the causal SNPs.
/// </summary>
public sealed record SimulatedCohort(IReadOnlyList<FamSample> Samples, float[][] Volumes, int[] Shape, double[] GridAffine,
    IReadOnlyList<string> RegionNames, double[][] RegionSize, double[] BrainVolumeMl, double[] Age, double[] Sex, IReadOnlyList<CausalSnp> Causal);

/// <summary>
/// The known-answer simulation of issue 17: real genotypes, one causal SNP per region, and one brain volume per
/// person made from a template by smooth regional expansions (the size parameter: the causal SNP's standardised dosage
/// times the root of its variance explained, age for the ventricles, and person-level noise), a global scale (sex,
/// age), expansions of non-genetic regions, and voxel noise. The region size parameter is the upper bound of any
/// phenotype; brain volume is the hand-crafted one.
/// </summary>
public static class BrainShapeSimulation
{
    private const double AgeEffect = 0.3;  // SD of ventricle size per SD of age

    // Regions whose size varies between people for no genetic reason (MNI mm, radius).
    private static readonly (double[] Center, double Radius)[] NuisanceRegions =
        [([30, 20, 40], 25), ([-30, 20, 40], 25), ([40, -40, 10], 22), ([0, 40, -10], 22)];

    public static SimulatedCohort Simulate(BrainSimulationSettings settings, long seed)
    {
        settings.Validate();
        var template = NiftiReader.ReadVolume(settings.Brain);
        var mask = BrainMask.FromSkullStripped(template, settings.Brain);
        var normalised = WorkingGrid.Normalise(template, mask);
        using var fileset = PlinkFileset.Open(settings.Bfile);
        var n = fileset.Samples.Count;
        if (n < 20) throw new UserInputException($"{settings.Bfile}.fam: {n} people; the simulation needs at least 20");
        var (causal, dosages) = ChooseCausal(fileset, settings, Rng.For(seed, "phenotype-sim-causal"));

        var people = Rng.For(seed, "phenotype-sim-people");
        var age = Enumerable.Range(0, n).Select(_ => people.Uniform(40, 70)).ToArray();
        var sex = Enumerable.Range(0, n).Select(_ => (double)people.NextInt(2)).ToArray();
        var ageZ = Standardise(age);
        var sizes = new double[settings.Regions.Count][];
        for (var r = 0; r < settings.Regions.Count; r++)
        {
            var region = settings.Regions[r];
            var g = Standardise(dosages[r]);
            var ageShare = r == 0 ? AgeEffect : 0;
            var noise = Math.Sqrt(Math.Max(0, 1 - region.VarianceExplained - ageShare * ageShare));
            sizes[r] = Enumerable.Range(0, n).Select(i => Math.Sqrt(region.VarianceExplained) * g[i] + ageShare * ageZ[i] + noise * people.NextGaussian()).ToArray();
        }
        var nuisance = Enumerable.Range(0, n).Select(_ => NuisanceRegions.Select(_ => people.NextGaussian()).ToArray()).ToArray();
        var scale = Enumerable.Range(0, n).Select(i => 1 + 0.04 * (sex[i] - 0.5) - 0.01 * ageZ[i] + 0.015 * people.NextGaussian()).ToArray();
        var imageSeeds = Enumerable.Range(0, n).Select(_ => people.NextUInt64()).ToArray();

        var shape = new[] { settings.Grid, settings.Grid, settings.Grid };
        var affine = WorkingGrid.Around(template, mask, shape, settings.SpacingMm);
        var (low, high) = BrainMask.WorldBounds(template, mask);
        var centre = Enumerable.Range(0, 3).Select(a => (low[a] + high[a]) / 2).ToArray();
        var volumes = new float[n][];
        var brainVolume = new double[n];
        var voxelMl = Math.Pow(settings.SpacingMm, 3) / 1000;
        Parallel.For(0, n, i =>
        {
            var bumps = settings.Regions.Select((region, r) => (region.Center, region.RadiusMm, settings.Amplitude * sizes[r][i]))
                .Concat(NuisanceRegions.Select((region, k) => (region.Center, region.Radius, 0.5 * settings.Amplitude * nuisance[i][k]))).ToArray();
            volumes[i] = Render(normalised, shape, affine, centre, scale[i], bumps, settings.NoiseSd, new Rng(imageSeeds[i]));
            brainVolume[i] = volumes[i].Count(v => v > 0.25) * voxelMl;
        });
        return new SimulatedCohort(fileset.Samples, volumes, shape, affine, settings.Regions.Select(r => r.Name).ToArray(),
            sizes, brainVolume, age, sex, causal);
    }

    /// <summary>
    /// Writes the cohort as a phenotypes input: images/&lt;IID&gt;.nii.gz, images.tsv (FID, IID, path), truth.tsv (region
    /// sizes and brain volume, PLINK phenotype format), covariates.tsv (age, sex) and causal.tsv.
    /// </summary>
    public static void Write(SimulatedCohort cohort, string folder)
    {
        var images = Path.Combine(folder, "images");
        Directory.CreateDirectory(images);
        var list = new StringBuilder("FID\tIID\tpath\n");
        for (var i = 0; i < cohort.Samples.Count; i++)
        {
            var name = $"{SafeName(cohort.Samples[i].Iid)}.nii.gz";
            NiftiWriter.Write(Path.Combine(images, name), NiftiImage.Create(cohort.Shape, cohort.Volumes[i], null, cohort.GridAffine));
            list.Append(CultureInfo.InvariantCulture, $"{cohort.Samples[i].Fid}\t{cohort.Samples[i].Iid}\timages/{name}\n");
        }
        AtomicFile.WriteAllText(Path.Combine(folder, "images.tsv"), list.ToString());
        PhenotypeTable.Write(Path.Combine(folder, "truth.tsv"), cohort.Samples,
            [.. cohort.RegionNames.Select((r, k) => (r, cohort.RegionSize[k])), ("brain_volume", cohort.BrainVolumeMl)]);
        PhenotypeTable.Write(Path.Combine(folder, "covariates.tsv"), cohort.Samples, [("age", cohort.Age), ("sex", cohort.Sex)]);
        var causal = new StringBuilder("REGION\tCHROM\tPOS\tID\tA1_FREQ\tVARIANCE_EXPLAINED\n");
        foreach (var c in cohort.Causal)
            causal.Append(CultureInfo.InvariantCulture, $"{c.Region}\t{c.Chrom}\t{c.Position}\t{c.Id}\t{c.Frequency:G4}\t{c.VarianceExplained:G4}\n");
        AtomicFile.WriteAllText(Path.Combine(folder, "causal.tsv"), causal.ToString());
    }

    // One person's volume: each grid point maps back into the template through the inverse of the global scale about
    // the brain's centre and (to first order) of the regional expansions; 2x2x2 sub-samples per voxel against aliasing.
    private static float[] Render(NiftiImage template, int[] shape, double[] affine, double[] centre, double scale,
        (double[] Center, double Radius, double Amount)[] bumps, double noiseSd, Rng rng)
    {
        var toVoxel = Affine.Invert(template.Affine);
        var spacing = affine[0];
        var volume = new float[shape[0] * shape[1] * shape[2]];
        Span<double> p = stackalloc double[3];
        Span<double> q = stackalloc double[3];
        for (var z = 0; z < shape[2]; z++)
            for (var y = 0; y < shape[1]; y++)
                for (var x = 0; x < shape[0]; x++)
                {
                    var (wx, wy, wz) = Affine.Apply(affine, x, y, z);
                    var sum = 0.0;
                    for (var s = 0; s < 8; s++)
                    {
                        p[0] = wx + ((s & 1) - 0.5) * spacing / 2;
                        p[1] = wy + (((s >> 1) & 1) - 0.5) * spacing / 2;
                        p[2] = wz + (((s >> 2) & 1) - 0.5) * spacing / 2;
                        for (var a = 0; a < 3; a++) q[a] = centre[a] + (p[a] - centre[a]) / scale;
                        foreach (var (c, radius, amount) in bumps)
                        {
                            double d2 = 0;
                            for (var a = 0; a < 3; a++) d2 += (q[a] - c[a]) * (q[a] - c[a]);
                            var weight = amount * Math.Exp(-d2 / (2 * radius * radius));
                            for (var a = 0; a < 3; a++) q[a] -= weight * (q[a] - c[a]);
                        }
                        var (vx, vy, vz) = Affine.Apply(toVoxel, q[0], q[1], q[2]);
                        sum += Resample.Trilinear(template.Data, template.X, template.Y, template.Z, vx, vy, vz);
                    }
                    volume[(z * shape[1] + y) * shape[0] + x] = (float)(sum / 8 + noiseSd * rng.NextGaussian());
                }
        return volume;
    }

    // Causal SNPs: common (MAF above the setting), fully genotyped, far enough apart; chosen at random.
    private static (CausalSnp[] Causal, double[][] Dosages) ChooseCausal(PlinkFileset fileset, BrainSimulationSettings settings, Rng rng)
    {
        var n = fileset.Samples.Count;
        var variants = fileset.Variants().ToArray();
        var order = rng.Permutation(variants.Length);
        var packed = new byte[fileset.Bed.BytesPerVariant];
        var buffer = new double[(n + 3) / 4 * 4];
        var missing = new List<int>();
        var chosen = new List<(int Index, double Frequency, double[] Dosages)>();
        foreach (var v in order)
        {
            if (chosen.Count == settings.Regions.Count) break;
            if (chosen.Any(c => variants[c.Index].Chrom == variants[v].Chrom && Math.Abs(variants[c.Index].Position - variants[v].Position) < settings.MinDistanceBp)) continue;
            fileset.Bed.ReadPacked(v, 1, packed);
            missing.Clear();
            GenotypeDecoder.Decode(packed, n, buffer, missing);
            if (missing.Count > 0) continue;
            var frequency = buffer.Take(n).Sum() / (2.0 * n);
            if (Math.Min(frequency, 1 - frequency) < settings.MinorAlleleFrequency) continue;
            chosen.Add((v, frequency, buffer.Take(n).ToArray()));
        }
        if (chosen.Count < settings.Regions.Count)
            throw new UserInputException($"{settings.Bfile}: found only {chosen.Count} fully genotyped SNPs with MAF >= {settings.MinorAlleleFrequency} " +
                                         $"{settings.MinDistanceBp / 1e6:G3} Mb apart; {settings.Regions.Count} are needed");
        var causal = chosen.Select((c, r) => new CausalSnp(settings.Regions[r].Name, variants[c.Index].Chrom, variants[c.Index].Position, variants[c.Index].Id,
            c.Frequency, settings.Regions[r].VarianceExplained)).ToArray();
        return (causal, chosen.Select(c => c.Dosages).ToArray());
    }

    private static double[] Standardise(double[] values)
    {
        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return values.Select(v => sd > 0 ? (v - mean) / sd : 0).ToArray();
    }

    private static string SafeName(string id) => string.Concat(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
