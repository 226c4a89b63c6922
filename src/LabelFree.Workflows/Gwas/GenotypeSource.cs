using LabelFree.Analysis.Gwas;
using LabelFree.Core.Errors;
using LabelFree.Core.Progress;
using LabelFree.Data.Genotypes;

namespace LabelFree.Workflows.Gwas;

/// <summary>
/// The genotypes of a scan, whichever file holds them: a PLINK 1 fileset (hard calls, packed) or a BGEN file with its
/// .sample (dosages on plink2's 1/16384 grid, so results equal plink2's on the same file). Opened and checked before
/// any output exists.
/// </summary>
public sealed class GenotypeSource : IDisposable
{
    private readonly PlinkFileset? _plink;
    private readonly BgenFile? _bgen;
    private readonly bool _bgenAllele1IsAlt;
    private long _first;
    private long _count = -1;

    private GenotypeSource(PlinkFileset? plink, BgenFile? bgen, IReadOnlyList<FamSample> samples, string samplesPath, bool bgenAllele1IsAlt)
    {
        _plink = plink;
        _bgen = bgen;
        Samples = samples;
        SamplesPath = samplesPath;
        _bgenAllele1IsAlt = bgenAllele1IsAlt;
    }

    public IReadOnlyList<FamSample> Samples { get; }

    /// <summary>The file the samples came from (for messages).</summary>
    public string SamplesPath { get; }

    /// <summary>Variants scanned (all, or those of <see cref="Restrict"/>).</summary>
    public long VariantCount => _count >= 0 ? _count : FileVariantCount;

    private long FileVariantCount => _plink?.VariantCount ?? _bgen!.VariantCount;

    /// <summary>
    /// Keeps the variants on chromosome <paramref name="chrom"/> with position in [<paramref name="fromBp"/>,
    /// <paramref name="toBp"/>] (plink2's --chr, --from-bp, --to-bp), which must be one run of the file (sorted by
    /// position within the chromosome), so that chunks of a sharded scan are contiguous and merge in file order.
    /// </summary>
    public void Restrict(string chrom, long fromBp, long toBp)
    {
        long first = -1, last = -1, index = 0;
        var path = _plink is null ? _bgen!.Path : _plink.BimPath;
        foreach (var v in AllVariants())
        {
            if (v.Chrom == chrom && v.Position >= fromBp && v.Position <= toBp)
            {
                if (first < 0) first = index;
                else if (last != index - 1)
                    throw new UserInputException($"{path}: the variants of chromosome {chrom} between {fromBp} and {toBp} are not one run of the file (is it sorted by position?)");
                last = index;
            }
            index++;
        }
        if (first < 0) throw new UserInputException($"{path}: no variant on chromosome {chrom} between {fromBp} and {toBp}");
        _first = first;
        _count = last - first + 1;
    }

    /// <param name="bgenAllele1IsAlt">plink2's ref-last / ref-unknown: the BGEN's first allele is ALT (tested).</param>
    public static GenotypeSource Open(string? bfile, string? bgen, string? sample, bool bgenAllele1IsAlt)
    {
        if (bfile is not null)
        {
            var fileset = PlinkFileset.Open(bfile);
            return new GenotypeSource(fileset, null, fileset.Samples, bfile + ".fam", false);
        }
        var file = BgenFile.Open(bgen!);
        try
        {
            IReadOnlyList<FamSample> samples;
            if (sample is not null)
            {
                samples = OxfordSampleFile.Read(sample);
                if (samples.Count != file.SampleCount)
                    throw new UserInputException($"{sample}: {samples.Count} samples, but {bgen} has {file.SampleCount}");
            }
            else samples = file.SampleIds?.Select(id => new FamSample(id, id)).ToArray()
                ?? throw new UserInputException($"{bgen}: the file stores no sample identifiers; give its .sample file");
            if (file.VariantCount == 0) throw new UserInputException($"{bgen}: no variants");
            return new GenotypeSource(null, file, samples, sample ?? bgen!, bgenAllele1IsAlt);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Founders (no parent in the .fam or .sample), or null when every sample is one.</summary>
    public bool[]? Founders => Samples.All(s => s.IsFounder) || !Samples.Any(s => s.IsFounder) ? null : Samples.Select(s => s.IsFounder).ToArray();

    /// <summary>The scanned variants as the output names them (REF, ALT), in file order, streamed.</summary>
    public IEnumerable<GlmVariant> Variants() =>
        _plink is not null ? AllVariants().Skip((int)Math.Min(_first, int.MaxValue)).Take((int)Math.Min(VariantCount, int.MaxValue)) : BgenVariants(_first, VariantCount);

    private IEnumerable<GlmVariant> AllVariants() =>
        _plink is { } plink ? plink.Variants().Select(v => new GlmVariant(v.Chrom, v.Position, v.Id, v.Allele2, v.Allele1)) : BgenVariants(0, FileVariantCount);

    private IEnumerable<GlmVariant> BgenVariants(long first, long count)
    {
        var alt1 = _bgenAllele1IsAlt;
        var path = _bgen!.Path;
        return _bgen.Variants(first, count).Select(v => new GlmVariant(v.Chrom,
            v.Position <= int.MaxValue ? (int)v.Position : throw new UserInputException($"{path}: variant {v.Rsid} has position {v.Position}, above 2^31 - 1"),
            v.Rsid, alt1 ? v.Allele2 : v.Allele1, alt1 ? v.Allele1 : v.Allele2));
    }

    /// <summary>ALT dosages (hard calls for a PLINK fileset).</summary>
    public DosageGenotypes Dosages()
    {
        if (_plink is not null) return Packed().AsDosages();
        var bgen = _bgen!;
        var alt1 = _bgenAllele1IsAlt;
        var offset = _first;
        return new DosageGenotypes(bgen.SampleCount, VariantCount,
            (first, count, x, stride, missing) => bgen.ReadDosages(offset + first, count, x, stride, missing, countAllele2: !alt1, plink2Grid: true));
    }

    private PackedGenotypes Packed()
    {
        var bed = _plink!.Bed;
        var offset = _first;
        return new PackedGenotypes(Samples.Count, VariantCount, (first, count, destination) => bed.ReadPacked(offset + first, count, destination));
    }

    /// <summary>Runs <see cref="GwasScan"/> over every variant into <paramref name="sink"/> and commits it.</summary>
    public void Scan(IReadOnlyList<PhenotypeGroup> groups, GwasOptions options, IGwasSink sink, IProgressReporter progress)
    {
        if (_plink is not null) GwasScan.Run(Packed(), groups, options, Variants(), sink, Founders, progress);
        else GwasScan.Run(Dosages(), groups, options, Variants(), sink, Founders, progress);
    }

    /// <summary>Runs <see cref="LogisticScan"/> (case/control phenotypes coded 1/0/NaN) into <paramref name="writer"/> and commits it.</summary>
    public void ScanLogistic(IReadOnlyList<double[]> phenotypes, IReadOnlyList<double[]> covariates, int threads, GlmLogisticWriter writer, IProgressReporter progress)
    {
        using var variants = Variants().GetEnumerator();
        LogisticScan.Run(Dosages(), phenotypes, covariates, threads, block =>
        {
            var batch = new List<GlmVariant>(block.Count);
            for (var i = 0; i < block.Count && variants.MoveNext(); i++) batch.Add(variants.Current);
            writer.Write(block, batch);
        }, Founders, progress);
        writer.Commit();
    }

    public void Dispose()
    {
        _plink?.Dispose();
        _bgen?.Dispose();
    }
}
