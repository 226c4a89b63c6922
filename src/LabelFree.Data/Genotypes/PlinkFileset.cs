using LabelFree.Core.Errors;

namespace LabelFree.Data.Genotypes;

/// <summary>A PLINK 1 binary fileset PREFIX.{bed,bim,fam}: the samples in memory, the variants streamed from the .bim,
/// the genotypes read in blocks from the .bed.</summary>
public sealed class PlinkFileset : IDisposable
{
    private PlinkFileset(string prefix, IReadOnlyList<FamSample> samples, long variantCount, BedFile bed)
    {
        Prefix = prefix;
        Samples = samples;
        VariantCount = variantCount;
        Bed = bed;
    }

    public string Prefix { get; }

    public IReadOnlyList<FamSample> Samples { get; }

    public long VariantCount { get; }

    public BedFile Bed { get; }

    public string BimPath => Prefix + ".bim";

    /// <summary>The variants in .bim order, read lazily.</summary>
    public IEnumerable<BimVariant> Variants() => BimFile.Read(BimPath);

    public static PlinkFileset Open(string prefix)
    {
        foreach (var ext in new[] { ".bed", ".bim", ".fam" })
            if (!File.Exists(prefix + ext))
                throw new UserInputException($"{prefix}{ext}: not found (the PLINK fileset {prefix} needs .bed, .bim and .fam)");
        var samples = FamFile.Read(prefix + ".fam");
        var variantCount = BimFile.Count(prefix + ".bim");
        if (variantCount == 0) throw new UserInputException($"{prefix}.bim: no variants");
        var bed = BedFile.Open(prefix + ".bed", samples.Count, variantCount);
        return new PlinkFileset(prefix, samples, variantCount, bed);
    }

    public void Dispose() => Bed.Dispose();
}
